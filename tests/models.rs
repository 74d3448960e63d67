//! `handoff models` and `handoff models download` through the real binary, downloading from a
//! small HTTP server on 127.0.0.1 that serves a generated file (never the internet).

mod common;

use common::stderr;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

/// How the test server answers.
#[derive(Clone, Copy, Default)]
struct Behaviour {
    /// The first answer announces the whole file but closes the connection after this many bytes.
    cut_first_after: Option<usize>,
    /// Answers every request with the whole file, as a server without range support does.
    ignore_range: bool,
}

struct Server {
    base: String,
    /// The Range header of every request, in order (`None`: no Range).
    ranges: Arc<Mutex<Vec<Option<String>>>>,
}

impl Server {
    fn ranges(&self) -> Vec<Option<String>> {
        self.ranges.lock().unwrap().clone()
    }
}

/// Serves `body` as /models/ggml-tiny.en.bin; anything else is a 404.
fn serve(body: Vec<u8>, behaviour: Behaviour) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/models", listener.local_addr().unwrap());
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&ranges);
    std::thread::spawn(move || {
        for (index, stream) in listener.incoming().enumerate() {
            let cut = if index == 0 { behaviour.cut_first_after } else { None };
            answer(stream.unwrap(), &body, behaviour.ignore_range, cut, &seen);
        }
    });
    Server { base, ranges }
}

fn answer(stream: TcpStream, body: &[u8], ignore_range: bool, cut: Option<usize>, seen: &Mutex<Vec<Option<String>>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    let mut range = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("range") {
                range = Some(value.trim().to_string());
            }
        }
    }
    seen.lock().unwrap().push(range.clone());
    let mut stream = stream;
    if request_line.split_whitespace().nth(1) != Some("/models/ggml-tiny.en.bin") {
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    }
    let start = range
        .filter(|_| !ignore_range)
        .map(|range| range.strip_prefix("bytes=").unwrap().trim_end_matches('-').parse::<usize>().unwrap());
    let head = match start {
        None => format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n", body.len()),
        Some(start) if start >= body.len() => {
            let head = format!("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{}\r\n", body.len());
            let _ = stream.write_all(format!("{head}Content-Length: 0\r\nConnection: close\r\n\r\n").as_bytes());
            return;
        }
        Some(start) => format!(
            "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{}/{}\r\nContent-Length: {}\r\n",
            body.len() - 1,
            body.len(),
            body.len() - start
        ),
    };
    let rest = &body[start.unwrap_or(0)..];
    let sent = &rest[..cut.unwrap_or(rest.len()).min(rest.len())];
    let _ = stream.write_all(format!("{head}Connection: close\r\n\r\n").as_bytes());
    let _ = stream.write_all(sent);
}

/// 3 MB that are no model: enough bytes for several reads and a visible progress.
fn generated_model() -> Vec<u8> {
    (0..3_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

fn handoff_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_handoff"));
    command.current_dir(dir).args(args).env_remove("HANDOFF_MODEL").env_remove("HANDOFF_MODEL_BASE_URL");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn download(dir: &Path, server: &Server, extra: &[&str]) -> Output {
    let mut args = vec!["models", "download", "tiny.en", "--to", "fetched", "--from", &server.base];
    args.extend(extra);
    handoff_in(dir, &args, &[])
}

#[test]
fn a_download_lands_whole_and_checked_then_is_found_by_name() {
    let body = generated_model();
    let server = serve(body.clone(), Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    // The address may come from the environment instead of --from; into models/ by default.
    let output = handoff_in(
        dir.path(),
        &["models", "download", "tiny.en", "--sha256", &sha256(&body)],
        &[("HANDOFF_MODEL_BASE_URL", &server.base)],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let target = dir.path().join("models/ggml-tiny.en.bin");
    assert!(std::fs::read(&target).unwrap() == body, "the downloaded file differs from the served one");
    assert!(!dir.path().join("models/ggml-tiny.en.bin.part").exists());
    assert_eq!(server.ranges(), [None]);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("Use it with: handoff process --model tiny.en CALL"), "{said}");

    // Again: the file is there and checks out, so nothing is fetched.
    let again = handoff_in(
        dir.path(),
        &["models", "download", "tiny.en", "--sha256", &sha256(&body)],
        &[("HANDOFF_MODEL_BASE_URL", &server.base)],
    );
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(String::from_utf8_lossy(&again.stdout).contains("already there"));
    assert_eq!(server.ranges().len(), 1);

    // `handoff models` finds it first (models/ before ../shared/models/) and says it is no known file.
    let listing = handoff_in(dir.path(), &["models", "--json"], &[]);
    assert!(listing.status.success(), "{}", stderr(&listing));
    let listing: serde_json::Value = serde_json::from_slice(&listing.stdout).unwrap();
    let tiny = listing["models"].as_array().unwrap().iter().find(|m| m["name"] == "tiny.en").unwrap();
    assert_eq!(tiny["found"][0]["via"], "models/");
    assert_eq!(tiny["found"][0]["sha256"], sha256(&body));
    assert_eq!(tiny["found"][0]["check"], "unrecognised");
    // The default model (tiny.en-q8_0) is in none of the places looked in from here.
    assert_eq!(listing["default_model"], serde_json::Value::Null);
}

#[test]
fn a_partial_part_file_is_resumed_with_a_range_request() {
    let body = generated_model();
    let server = serve(body.clone(), Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("fetched")).unwrap();
    std::fs::write(dir.path().join("fetched/ggml-tiny.en.bin.part"), &body[..1_234_567]).unwrap();
    let output = download(dir.path(), &server, &["--sha256", &sha256(&body)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(server.ranges(), [Some("bytes=1234567-".to_string())]);
    assert!(std::fs::read(dir.path().join("fetched/ggml-tiny.en.bin")).unwrap() == body);
    assert!(!dir.path().join("fetched/ggml-tiny.en.bin.part").exists());
    assert!(String::from_utf8_lossy(&output.stdout).contains("resumed after 1.2 MB"));
}

#[test]
fn a_broken_connection_keeps_the_part_and_the_next_run_resumes_it() {
    let body = generated_model();
    let server = serve(body.clone(), Behaviour { cut_first_after: Some(1_000_000), ..Behaviour::default() });
    let dir = tempfile::tempdir().unwrap();
    let part = dir.path().join("fetched/ggml-tiny.en.bin.part");
    let broken = download(dir.path(), &server, &["--sha256", &sha256(&body)]);
    assert_eq!(broken.status.code(), Some(2));
    let message = stderr(&broken);
    assert!(
        message.contains(&format!("{}/ggml-tiny.en.bin broke off after 1000000 bytes of 3000000", server.base)),
        "{message}"
    );
    assert!(message.contains("Run the same command again: it resumes from"), "{message}");
    assert_eq!(std::fs::metadata(&part).unwrap().len(), 1_000_000);
    assert!(!dir.path().join("fetched/ggml-tiny.en.bin").exists());

    let resumed = download(dir.path(), &server, &["--sha256", &sha256(&body)]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert_eq!(server.ranges(), [None, Some("bytes=1000000-".to_string())]);
    assert!(std::fs::read(dir.path().join("fetched/ggml-tiny.en.bin")).unwrap() == body);
    assert!(!part.exists());
}

#[test]
fn a_server_without_range_support_gives_the_whole_file_again() {
    let body = generated_model();
    let server = serve(body.clone(), Behaviour { ignore_range: true, ..Behaviour::default() });
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("fetched")).unwrap();
    // A part that would corrupt the file if the whole body were appended to it.
    std::fs::write(dir.path().join("fetched/ggml-tiny.en.bin.part"), &body[..500_000]).unwrap();
    let output = download(dir.path(), &server, &["--sha256", &sha256(&body)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::read(dir.path().join("fetched/ggml-tiny.en.bin")).unwrap() == body);
}

#[test]
fn a_sha256_mismatch_is_refused_and_leaves_nothing_behind() {
    let body = generated_model();
    let server = serve(body.clone(), Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    // No --sha256: the file must be the published tiny.en (or a known conversion), which it is not.
    let output = download(dir.path(), &server, &[]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    let published = "921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f";
    let url = format!("{}/ggml-tiny.en.bin", server.base);
    for expected in [url.as_str(), &sha256(&body), published, "nothing was installed"] {
        assert!(message.contains(expected), "{expected} not in: {message}");
    }
    assert!(!dir.path().join("fetched/ggml-tiny.en.bin").exists());
    assert!(!dir.path().join("fetched/ggml-tiny.en.bin.part").exists());
}

#[test]
fn a_missing_file_and_an_unknown_model_say_what_to_do() {
    let server = serve(Vec::new(), Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let output = handoff_in(dir.path(), &["models", "download", "base-q8_0", "--from", &server.base], &[]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains(&format!("{}/ggml-base-q8_0.bin answered HTTP 404", server.base)), "{message}");
    assert!(message.contains("Check the model name and the address"), "{message}");
    assert!(!dir.path().join("models/ggml-base-q8_0.bin").exists());

    let unknown = handoff_in(dir.path(), &["models", "download", "large-v3"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("large-v3: not a model handoff knows. Known models: tiny,"));
}

#[test]
fn the_listing_follows_the_lookup_order_and_checks_each_file() {
    // $HANDOFF_MODEL as a folder: the real shared tiny.en (a known conversion) and a file that is
    // no known base-q8_0.
    let shelf = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(common::model(), shelf.path().join("ggml-tiny.en.bin")).unwrap();
    std::fs::write(shelf.path().join("ggml-base-q8_0.bin"), b"not a model").unwrap();
    std::fs::write(shelf.path().join("ggml-tiny.en-q8_0.bin"), b"not a model either").unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let output = handoff_in(cwd.path(), &["models", "--json"], &[("HANDOFF_MODEL", shelf.path().to_str().unwrap())]);
    assert!(output.status.success(), "{}", stderr(&output));
    let listing: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let model = |name: &str| listing["models"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap().clone();
    let tiny = model("tiny.en");
    assert_eq!(tiny["found"][0]["via"], "$HANDOFF_MODEL");
    assert_eq!(tiny["found"][0]["check"], "known conversion");
    assert_eq!(tiny["found"][0]["conversion_source"], "../shared/models/README.md");
    assert_eq!(tiny["url"], "https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-tiny.en.bin");
    assert_eq!(model("base-q8_0")["found"][0]["check"], "unrecognised");
    assert_eq!(model("small.en")["found"], serde_json::json!([]));
    assert_eq!(listing["default_model"], serde_json::json!(shelf.path().join("ggml-tiny.en-q8_0.bin")));

    // The table says the same for people.
    let table = handoff_in(cwd.path(), &["models"], &[("HANDOFF_MODEL", shelf.path().to_str().unwrap())]);
    let table = String::from_utf8_lossy(&table.stdout);
    let row = |name: &str| table.lines().find(|line| line.starts_with(&format!("{name} "))).unwrap().to_string();
    assert!(row("tiny.en").contains("matches a known conversion"), "{table}");
    assert!(row("base-q8_0").contains("UNRECOGNISED"), "{table}");
    assert!(row("small.en").ends_with(" -"), "{table}");
}

#[test]
fn a_language_needs_a_model_that_speaks_it() {
    let call = common::fixture("formats/pcm16_16k.wav");
    let out = tempfile::tempdir().unwrap();
    let run = |model: &str, language: &str| {
        common::handoff(&[
            "process",
            "--model",
            model,
            "--language",
            language,
            "--out",
            out.path().to_str().unwrap(),
            call.to_str().unwrap(),
        ])
    };
    let english_only = run(common::model().to_str().unwrap(), "de");
    assert_eq!(english_only.status.code(), Some(2));
    assert!(stderr(&english_only).contains("is an English-only model and cannot transcribe --language de"));
    let unknown = run(common::model().to_str().unwrap(), "klingon");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("--language klingon: not a language Whisper knows"));
    assert!(std::fs::read_dir(out.path()).unwrap().next().is_none(), "outputs written");
}
