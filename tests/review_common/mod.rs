//! What the review tests share: one real call processed by `handoff process` with the real model,
//! and fresh copies of its outputs for each test to review.
#![allow(dead_code)] // each test binary uses its own subset

use crate::common::{fixture, process, stderr};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

pub const CALL: &str = "stereo_discovery";

/// `handoff process` on the stereo discovery call, run once per test binary into `target/tmp`.
pub fn processed() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let binary = std::env::current_exe().unwrap();
        let name = binary.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-call"));
        let _ = std::fs::remove_dir_all(&dir);
        let recording = fixture(&format!("calls/{CALL}.mp3"));
        let output = process(&[&recording], &dir, &["--quiet"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(
            dir.join(format!("{CALL}.handoff.json")).is_file(),
            "`handoff process` wrote no handoff into {}",
            dir.display()
        );
        dir
    })
}

/// A copy of the processed call's handoff and transcript in `dir` (under `stem`), ready to review.
pub fn call_in(dir: &Path, stem: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for suffix in ["handoff.json", "transcript.json"] {
        std::fs::copy(processed().join(format!("{CALL}.{suffix}")), dir.join(format!("{stem}.{suffix}"))).unwrap();
    }
    dir.join(format!("{stem}.handoff.json"))
}

/// `<dir>/<name>.<suffix>` next to a handoff named `<name>.handoff.json`.
pub fn beside(handoff: &Path, suffix: &str) -> PathBuf {
    let name = handoff.file_name().unwrap().to_str().unwrap();
    handoff.with_file_name(name.replace("handoff.json", suffix))
}

/// Every item of a handoff document, whatever its list.
pub fn items(handoff: &Value) -> Vec<Value> {
    const LISTS: [&str; 10] = [
        "pain_points",
        "stakeholders",
        "systems",
        "regulations",
        "timeline",
        "budget",
        "objections",
        "competitors",
        "previous_attempts",
        "next_steps",
    ];
    LISTS.iter().flat_map(|list| handoff[list].as_array().cloned().unwrap_or_default()).collect()
}

pub fn item(handoff: &Value, id: &str) -> Option<Value> {
    items(handoff).into_iter().find(|item| item["id"] == id)
}

/// A process of the test's, killed when the test ends, pass or fail.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `handoff review HANDOFF --no-open` run from `cwd` on a free port, and the address it prints.
pub fn review_page(handoff: &Path, cwd: &Path) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_handoff"))
        .args(["review", handoff.to_str().unwrap(), "--no-open", "--reviewer", "Sam"])
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let server = Running(child);
    let url = line
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("`handoff review` printed no address: {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    (server, url)
}

/// The status and body of one HTTP/1.1 request to the review server at `url` (`http://host:port`),
/// with `headers` besides `Host`; plain std so the tests control every header a browser would send.
pub fn http(url: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> (u16, String) {
    let host = url.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(host).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or_default());
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response);
    let status = response.split_whitespace().nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    (status, body)
}

/// A POST of `body` as JSON, as the page sends it (`Origin` is the server's own).
pub fn post_json(url: &str, path: &str, body: &Value) -> (u16, String) {
    http(url, "POST", path, &[("Content-Type", "application/json"), ("Origin", url)], Some(&body.to_string()))
}
