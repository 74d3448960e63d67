//! Serving the recording to the page's audio player. Browsers seek in media by asking for byte
//! ranges and pick a decoder by MIME type; tower-http's `ServeFile` answers ranges (`206`,
//! `416`), `HEAD` and conditional requests as they expect. The file is only read.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use std::path::Path;
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The recording at `path`, as `request` asks for it (whole, a range, or only its headers).
pub async fn serve(path: &Path, request: Request) -> Response {
    match ServeFile::new(path).oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{to_bytes, Body};
    use axum::http::{header, Method, StatusCode};

    async fn get(path: &Path, method: Method, range: Option<&str>) -> Response {
        let mut request = Request::builder().method(method).uri("/audio");
        if let Some(range) = range {
            request = request.header(header::RANGE, range);
        }
        serve(path, request.body(Body::empty()).unwrap()).await
    }

    #[tokio::test]
    async fn the_player_gets_ranges_its_type_and_headers_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("call.mp3");
        std::fs::write(&path, (0..1000).map(|i| (i % 251) as u8).collect::<Vec<u8>>()).unwrap();

        let part = get(&path, Method::GET, Some("bytes=100-199")).await;
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(part.headers()[header::CONTENT_RANGE], "bytes 100-199/1000");
        assert_eq!(part.headers()[header::CONTENT_TYPE], "audio/mpeg");
        let body = to_bytes(part.into_body(), usize::MAX).await.unwrap();
        assert_eq!(body.len(), 100);
        assert_eq!(body[0], 100);

        let beyond = get(&path, Method::GET, Some("bytes=1000-")).await;
        assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
        let whole = get(&path, Method::GET, None).await;
        assert_eq!(whole.status(), StatusCode::OK);
        assert_eq!(whole.headers()[header::ACCEPT_RANGES], "bytes");
        let head = get(&path, Method::HEAD, None).await;
        assert_eq!(head.headers()[header::CONTENT_LENGTH], "1000");
        assert!(to_bytes(head.into_body(), usize::MAX).await.unwrap().is_empty());
    }
}
