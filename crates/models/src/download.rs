//! Downloading a model file: into `<name>.part` next to its final place, resumed by HTTP range
//! after an interruption, checked against the sha256 it must have, and renamed into place only
//! when it does. A file at the final name is therefore always a whole, checked download.

use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What to download where, and the hashes a good file may have (anything else is refused).
#[derive(Debug, Clone)]
pub struct Request {
    /// The file itself, not a folder: mirrors may lay files out their own way.
    pub url: String,
    /// The folder the model ends up in; the partial download sits there too, so the final
    /// rename stays on one filesystem.
    pub dir: PathBuf,
    /// The name the model gets in `dir`, as the lookup will search for it.
    pub file_name: String,
    /// Several: a model may be accepted as published or as a known conversion.
    pub accepted_sha256: Vec<String>,
}

/// Told how the transfer goes, e.g. to draw a progress bar.
pub trait Progress {
    /// The transfer starts with `done` bytes already on disk (a resumed download) of `total`,
    /// when the server says how many there are.
    fn begin(&self, total: Option<u64>, done: u64);
    /// `bytes` more arrived and were written.
    fn advance(&self, bytes: u64);
}

/// A checked model file in place; which of the two tells the user whether the network was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Fetched (or finished fetching) and checked.
    Downloaded {
        /// Where the model now is.
        path: PathBuf,
        /// The hash it was accepted with, for the user to compare with their own records.
        sha256: String,
        /// Bytes an earlier, interrupted run had already fetched; 0 for a fresh download.
        resumed_from: u64,
    },
    /// The file was already there with an accepted hash; nothing was fetched.
    AlreadyThere {
        /// The existing file.
        path: PathBuf,
        /// Its hash, one of the accepted ones.
        sha256: String,
    },
}

/// Why no checked model was installed; every message says what to do next, as the user runs
/// this by hand.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// No answer from the server (DNS, connection, TLS, timeout).
    #[error("cannot reach {url}: {cause}. Check the network connection and the address (--from or HANDOFF_MODEL_BASE_URL); run the same command again to resume")]
    Connect {
        /// The file's address.
        url: String,
        /// What the HTTP client said; boxed, being large.
        cause: Box<ureq::Error>,
    },
    /// The server answered, but not with the file.
    #[error("{url} answered HTTP {status}{hint}")]
    Status {
        /// The file's address.
        url: String,
        /// The HTTP status.
        status: u16,
        /// What the status usually means here, with its leading ": ", or empty.
        hint: &'static str,
    },
    /// A resumed download got bytes from the wrong place: appending them would corrupt the file.
    #[error("{url} answered a range request with {detail}; delete {} and run again to download from the start", part.display())]
    BadRange {
        /// The file's address.
        url: String,
        /// The range asked for and the one answered.
        detail: String,
        /// The partial download, kept for the user to delete.
        part: PathBuf,
    },
    /// The connection broke mid-file; what arrived is kept for the next run to resume.
    #[error("the download from {url} broke off after {done} bytes{of}: {cause}. Run the same command again: it resumes from {}", part.display())]
    Interrupted {
        /// The file's address.
        url: String,
        /// Bytes on disk.
        done: u64,
        /// " of N" when the size is known, for the message.
        of: String,
        /// The partial download.
        part: PathBuf,
        /// Why reading stopped.
        cause: io::Error,
    },
    /// The local side failed: folder, disk, permissions.
    #[error("cannot write {}: {cause}. Check that the folder is writable and the disk has space", path.display())]
    Write {
        /// The file or folder written.
        path: PathBuf,
        /// Why writing failed.
        cause: io::Error,
    },
    /// Another process holds the partial download: two writers would interleave their bytes.
    #[error("another download is writing {}; wait for it to finish", part.display())]
    Busy {
        /// The partial download.
        part: PathBuf,
    },
    /// The whole file arrived but is not the model asked for; it was deleted, not installed.
    #[error(
        "the file downloaded from {url} has sha256 {found}, not {}; it was deleted and nothing was installed. \
         Check that the address serves the published model, or pass --sha256 for a file of your own",
        expected.join(" or ")
    )]
    Checksum {
        /// The file's address.
        url: String,
        /// The downloaded file's hash.
        found: String,
        /// The accepted hashes.
        expected: Vec<String>,
    },
    /// A file at the final name is not the model asked for; it is left alone, being the user's.
    #[error(
        "{} already exists, but its sha256 {found} is not {}; move it away (or delete it) and run again",
        path.display(),
        expected.join(" or ")
    )]
    ExistingMismatch {
        /// The existing file.
        path: PathBuf,
        /// Its hash.
        found: String,
        /// The accepted hashes.
        expected: Vec<String>,
    },
}

/// A read that waits longer than this for the next bytes counts as a broken connection.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Downloads `request` into place, resuming an earlier partial download, and installs the file
/// only once its sha256 is an accepted one.
pub fn download(request: &Request, progress: &dyn Progress) -> Result<Outcome, DownloadError> {
    let Request { url, dir, file_name, accepted_sha256 } = request;
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |cause| DownloadError::Write { path, cause }
    };
    fs::create_dir_all(dir).map_err(write_error(dir))?;
    let target = dir.join(file_name);
    let part_path = dir.join(format!("{file_name}.part"));
    let accepted = |sha256: &str| accepted_sha256.iter().any(|good| good.eq_ignore_ascii_case(sha256));

    if target.is_file() {
        let sha256 = sha256_file(&target).map_err(write_error(&target))?;
        return match accepted(&sha256) {
            true => Ok(Outcome::AlreadyThere { path: target, sha256 }),
            false => {
                Err(DownloadError::ExistingMismatch { path: target, found: sha256, expected: accepted_sha256.clone() })
            }
        };
    }

    let mut part =
        OpenOptions::new().read(true).append(true).create(true).open(&part_path).map_err(write_error(&part_path))?;
    // Two downloads appending to one .part would interleave their bytes.
    part.try_lock().map_err(|error| match error {
        fs::TryLockError::WouldBlock => DownloadError::Busy { part: part_path.clone() },
        fs::TryLockError::Error(cause) => DownloadError::Write { path: part_path.clone(), cause },
    })?;
    let mut hasher = Sha256::new();
    let mut done = io::copy(&mut part, &mut HashWriter(&mut hasher)).map_err(write_error(&part_path))?;
    let resumed_from = done;

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_recv_response(Some(READ_TIMEOUT))
        .timeout_per_read(Some(READ_TIMEOUT))
        .user_agent(concat!("handoff/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let connect_error = |cause| DownloadError::Connect { url: url.clone(), cause: Box::new(cause) };
    let bad_range = |detail: String| DownloadError::BadRange { url: url.clone(), detail, part: part_path.clone() };

    // At most two requests: a range the server cannot serve is retried once from the start.
    let mut response = None;
    for _ in 0..2 {
        let mut call = agent.get(url.as_str());
        if done > 0 {
            call = call.header("Range", format!("bytes={done}-"));
        }
        let answer = call.call().map_err(connect_error)?;
        match answer.status().as_u16() {
            206 => {
                let (start, total) = content_range(&answer).ok_or_else(|| bad_range(range_header(&answer)))?;
                if start != Some(done) {
                    return Err(bad_range(format!("Content-Range {} for bytes={done}-", range_header(&answer))));
                }
                response = Some((answer, total));
                break;
            }
            200 => {
                // The server ignored the range (or none was asked for): the body is the whole file.
                if done > 0 {
                    restart(&mut part, &mut hasher, &mut done).map_err(write_error(&part_path))?;
                }
                let total = content_length(&answer);
                response = Some((answer, total));
                break;
            }
            // The part is as long as the file (the last run died before the check) or longer.
            416 if done > 0 => match content_range(&answer) {
                Some((None, Some(total))) if total == done => break,
                _ => restart(&mut part, &mut hasher, &mut done).map_err(write_error(&part_path))?,
            },
            status => {
                let hint = match status {
                    404 => ": no such file there. Check the model name and the address (--from or HANDOFF_MODEL_BASE_URL)",
                    401 | 403 => ": access refused. The address may need a login; download the file by hand and pass it with --model PATH",
                    500.. => ": the server failed. Try again later",
                    _ => "",
                };
                return Err(DownloadError::Status { url: url.clone(), status, hint });
            }
        }
    }

    if let Some((mut answer, total)) = response {
        progress.begin(total, done);
        let interrupted = |done: u64, cause: io::Error| DownloadError::Interrupted {
            url: url.clone(),
            done,
            of: total.map_or_else(String::new, |total| format!(" of {total}")),
            part: part_path.clone(),
            cause,
        };
        let mut body = answer.body_mut().as_reader();
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let read = match body.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(interrupted(done, error)),
            };
            part.write_all(&buffer[..read]).map_err(write_error(&part_path))?;
            hasher.update(&buffer[..read]);
            done += read as u64;
            progress.advance(read as u64);
        }
        if let Some(total) = total.filter(|&total| total != done) {
            let short = io::Error::new(io::ErrorKind::UnexpectedEof, format!("expected {total} bytes"));
            return Err(interrupted(done, short));
        }
    }
    part.sync_all().map_err(write_error(&part_path))?;
    drop(part);

    let sha256 = hex(&hasher.finalize());
    if !accepted(&sha256) {
        // Resuming a corrupt file would only keep the corruption.
        fs::remove_file(&part_path).map_err(write_error(&part_path))?;
        return Err(DownloadError::Checksum { url: url.clone(), found: sha256, expected: accepted_sha256.clone() });
    }
    fs::rename(&part_path, &target).map_err(write_error(&target))?;
    // The rename itself is only durable once the folder is synced.
    File::open(dir).and_then(|folder| folder.sync_all()).map_err(write_error(dir))?;
    Ok(Outcome::Downloaded { path: target, sha256, resumed_from })
}

/// Empties the part file; it is opened for appending, so the next write lands at the start.
fn restart(part: &mut File, hasher: &mut Sha256, done: &mut u64) -> io::Result<()> {
    part.set_len(0)?;
    *hasher = Sha256::new();
    *done = 0;
    Ok(())
}

fn range_header(response: &ureq::http::Response<ureq::Body>) -> String {
    let value = response.headers().get("content-range").and_then(|value| value.to_str().ok());
    value.map_or_else(|| "no Content-Range".to_string(), |value| format!("`{value}`"))
}

/// `Content-Range: bytes START-END/TOTAL` (or `bytes */TOTAL`): (START, TOTAL), each when known.
fn content_range(response: &ureq::http::Response<ureq::Body>) -> Option<(Option<u64>, Option<u64>)> {
    let value = response.headers().get("content-range")?.to_str().ok()?;
    parse_content_range(value)
}

fn parse_content_range(value: &str) -> Option<(Option<u64>, Option<u64>)> {
    let (range, total) = value.trim().strip_prefix("bytes ")?.split_once('/')?;
    let total = if total == "*" { None } else { Some(total.parse().ok()?) };
    let start = match range {
        "*" => None,
        range => Some(range.split_once('-')?.0.parse().ok()?),
    };
    Some((start, total))
}

fn content_length(response: &ureq::http::Response<ureq::Body>) -> Option<u64> {
    response.headers().get("content-length")?.to_str().ok()?.parse().ok()
}

/// sha256 of a file, as lowercase hex.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(&mut File::open(path)?, &mut HashWriter(&mut hasher))?;
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Lets `io::copy` feed a hasher without a buffer of our own.
struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges_parse() {
        assert_eq!(parse_content_range("bytes 100-199/200"), Some((Some(100), Some(200))));
        assert_eq!(parse_content_range("bytes 0-9/*"), Some((Some(0), None)));
        assert_eq!(parse_content_range("bytes */200"), Some((None, Some(200))));
        assert_eq!(parse_content_range("items 0-9/10"), None);
        assert_eq!(parse_content_range("bytes x-9/10"), None);
    }

    #[test]
    fn file_hashes_are_lowercase_hex_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        fs::write(&path, b"abc").unwrap();
        assert_eq!(sha256_file(&path).unwrap(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
