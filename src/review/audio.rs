//! Serving the recording to the page's audio player. Browsers seek in media by asking for byte
//! ranges, so `Range` requests are answered with `206 Partial Content`; the file is only read.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::io::SeekFrom;
use std::path::Path;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

/// What to send for a `Range` header, given the file's length.
#[derive(Debug, PartialEq, Eq)]
enum Bytes {
    All,
    /// First and last byte, inclusive.
    Part(u64, u64),
    Unsatisfiable,
}

/// One range in the `bytes=` unit (`a-b`, `a-`, `-n`). Anything else, several ranges included,
/// is answered with the whole file, which RFC 9110 allows a server to do with any Range header.
fn requested(range: Option<&str>, length: u64) -> Bytes {
    let Some(spec) = range.and_then(|range| range.trim().strip_prefix("bytes=")) else {
        return Bytes::All;
    };
    let Some((first, last)) = spec.split_once('-') else {
        return Bytes::All;
    };
    let number = |text: &str| text.trim().parse::<u64>().ok();
    match (first.trim().is_empty(), number(first), number(last)) {
        // The last n bytes.
        (true, _, Some(suffix)) if suffix > 0 && length > 0 => Bytes::Part(length - suffix.min(length), length - 1),
        (true, ..) => Bytes::Unsatisfiable,
        (false, Some(first), _) if first >= length => Bytes::Unsatisfiable,
        (false, Some(first), None) if last.trim().is_empty() => Bytes::Part(first, length - 1),
        (false, Some(first), Some(last)) if first <= last => Bytes::Part(first, last.min(length - 1)),
        _ => Bytes::All,
    }
}

/// The MIME type browsers need to pick a decoder, from the recording's extension.
fn content_type(path: &Path) -> &'static str {
    let extension = path.extension().and_then(|extension| extension.to_str()).unwrap_or_default().to_ascii_lowercase();
    match extension.as_str() {
        "wav" | "wave" => "audio/wav",
        "mp3" => "audio/mpeg",
        "m4a" | "mp4" => "audio/mp4",
        "aac" => "audio/aac",
        "flac" => "audio/flac",
        "ogg" | "oga" | "opus" => "audio/ogg",
        "webm" => "audio/webm",
        "mka" | "mkv" => "audio/x-matroska",
        "caf" => "audio/x-caf",
        "aif" | "aiff" => "audio/aiff",
        _ => "application/octet-stream",
    }
}

pub async fn serve(path: &Path, headers: &HeaderMap) -> Response {
    match respond(path, headers).await {
        Ok(response) => response,
        Err(error) => {
            (StatusCode::INTERNAL_SERVER_ERROR, format!("cannot read the recording {}: {error}", path.display()))
                .into_response()
        }
    }
}

async fn respond(path: &Path, headers: &HeaderMap) -> std::io::Result<Response> {
    let mut file = tokio::fs::File::open(path).await?;
    let length = file.metadata().await?.len();
    let range = headers.get(header::RANGE).and_then(|value| value.to_str().ok());
    let (status, first, last) = match requested(range, length) {
        Bytes::All => (StatusCode::OK, 0, length),
        Bytes::Part(first, last) => (StatusCode::PARTIAL_CONTENT, first, last + 1),
        Bytes::Unsatisfiable => {
            let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            response.headers_mut().insert(header::CONTENT_RANGE, value(format!("bytes */{length}")));
            return Ok(response);
        }
    };
    file.seek(SeekFrom::Start(first)).await?;
    let body = Body::from_stream(ReaderStream::new(file.take(last - first)));
    let mut response = (status, body).into_response();
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(path)));
    response_headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    response_headers.insert(header::CONTENT_LENGTH, value(last - first));
    if status == StatusCode::PARTIAL_CONTENT {
        response_headers.insert(header::CONTENT_RANGE, value(format!("bytes {first}-{}/{length}", last - 1)));
    }
    Ok(response)
}

fn value(text: impl ToString) -> HeaderValue {
    HeaderValue::from_str(&text.to_string()).expect("numbers and ASCII make valid header values")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_browsers_send_them() {
        let cases = [
            (None, Bytes::All),
            (Some("bytes=0-"), Bytes::Part(0, 999)),
            (Some("bytes=100-199"), Bytes::Part(100, 199)),
            (Some("bytes=900-5000"), Bytes::Part(900, 999)),
            (Some("bytes=-100"), Bytes::Part(900, 999)),
            (Some("bytes=-5000"), Bytes::Part(0, 999)),
            (Some("bytes=1000-"), Bytes::Unsatisfiable),
            (Some("bytes=-0"), Bytes::Unsatisfiable),
            (Some("bytes=5-1"), Bytes::All),
            (Some("bytes=0-1,5-9"), Bytes::All),
            (Some("items=0-1"), Bytes::All),
        ];
        for (header, expected) in cases {
            assert_eq!(requested(header, 1000), expected, "{header:?}");
        }
        assert_eq!(requested(Some("bytes=0-"), 0), Bytes::Unsatisfiable);
    }

    #[test]
    fn recordings_get_their_audio_type() {
        assert_eq!(content_type(Path::new("call.MP3")), "audio/mpeg");
        assert_eq!(content_type(Path::new("call.opus")), "audio/ogg");
        assert_eq!(content_type(Path::new("call")), "application/octet-stream");
    }
}
