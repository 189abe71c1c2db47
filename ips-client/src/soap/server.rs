//! A small loopback HTTP/1.1 server for tests and examples: every request is
//! handed to a [`Handler`], which decides what to answer (or not to answer).
//!
//! It knows nothing about SOAP beyond the helpers that set the right
//! content type; pair it with [`RequestEnvelope`](super::RequestEnvelope)
//! and [`write_fault`](super::write_fault) to fake a service.

use std::future::Future;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use super::envelope::SoapVersion;

/// Request bodies larger than this are refused with 413.
pub const MAX_REQUEST_BODY: usize = 16 * 1024 * 1024;

/// A request as received, body read in full.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: String,
    /// The path with its query, if any (`/soap?wsdl`).
    pub path: String,
    /// Header names are lowercase; repeated headers appear repeatedly.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl HttpRequest {
    /// The first value of header `name` (matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// True when `Accept-Encoding` lists `gzip` (or `*`) with a non-zero q.
    pub fn accepts_gzip(&self) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("accept-encoding"))
            .flat_map(|(_, v)| v.split(','))
            .any(|item| {
                let mut params = item.split(';').map(str::trim);
                let coding = params.next().unwrap_or("");
                let refused = params.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
            })
    }
}

/// The answer to send back.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Sent as given; `Content-Length` is added from the body.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn new(status: u16, body: Vec<u8>) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// A SOAP message with the version's content type.
    pub fn xml(status: u16, version: SoapVersion, body: Vec<u8>) -> Self {
        HttpResponse::new(status, body).with_header("content-type", &version.content_type(None))
    }

    /// An HTML page, like the error pages of proxies and load balancers.
    pub fn html(status: u16, html: &str) -> Self {
        HttpResponse::new(status, html.as_bytes().to_vec())
            .with_header("content-type", "text/html; charset=utf-8")
    }

    /// Adds a header (replacing none).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    /// Compresses the body with gzip and sets `Content-Encoding: gzip`.
    pub fn gzip(mut self) -> Self {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        // Writing into a Vec cannot fail; should it, the body stays as is.
        let Ok(compressed) = encoder
            .write_all(&self.body)
            .and_then(|()| encoder.finish())
        else {
            return self;
        };
        self.body = compressed;
        self.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("content-encoding"));
        self.headers
            .push(("content-encoding".to_owned(), "gzip".to_owned()));
        self
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reaction {
    Respond(HttpResponse),
    /// Never answer (for timeout tests): the connection is held open until
    /// the server shuts down.
    Hang,
}

impl From<HttpResponse> for Reaction {
    fn from(response: HttpResponse) -> Self {
        Reaction::Respond(response)
    }
}

/// Decides the reaction to each request. Closures
/// `Fn(HttpRequest) -> Reaction` are handlers too.
pub trait Handler: Send + Sync + 'static {
    fn handle(&self, request: HttpRequest) -> impl Future<Output = Reaction> + Send;

    /// Asked when a request's head has arrived, before its body is read:
    /// `Some(n)` reads at most `n` bytes of the body and then drops the
    /// connection without answering, as a network failure mid-upload
    /// would (a shorter body is answered normally). Default: `None`.
    fn cut_off_after(&self, _method: &str, _path: &str) -> Option<usize> {
        None
    }
}

impl<F> Handler for F
where
    F: Fn(HttpRequest) -> Reaction + Send + Sync + 'static,
{
    fn handle(&self, request: HttpRequest) -> impl Future<Output = Reaction> + Send {
        std::future::ready(self(request))
    }
}

/// A server on `127.0.0.1` with an OS-assigned port. It stops accepting,
/// and drops open connections, on [`shutdown`](Self::shutdown) or drop.
#[derive(Debug)]
pub struct TestServer {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Binds and starts serving; must be called within a Tokio runtime.
    pub async fn start<H: Handler>(handler: H) -> std::io::Result<TestServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(accept_loop(listener, Arc::new(handler)));
        Ok(TestServer { addr, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Stops the server and waits until its connections are closed.
    pub async fn shutdown(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Accepts connections until aborted; the connection tasks live in a
/// JoinSet owned by this task, so aborting it aborts them all.
async fn accept_loop<H: Handler>(listener: TcpListener, handler: Arc<H>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&handler)));
                }
                // Out of file descriptors and the like: back off, retry.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Reap finished connections.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Returned to hyper to drop a connection without answering.
#[derive(Debug)]
struct ConnectionCut;

impl std::fmt::Display for ConnectionCut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection cut off by the handler")
    }
}

impl std::error::Error for ConnectionCut {}

async fn serve_connection<H: Handler>(stream: TcpStream, handler: Arc<H>) {
    let service = service_fn(move |request| {
        let handler = Arc::clone(&handler);
        async move { respond(&*handler, request).await }
    });
    // A client going away mid-request is not the server's problem.
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

async fn respond<H: Handler>(
    handler: &H,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, ConnectionCut> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    let body = match handler.cut_off_after(parts.method.as_str(), path) {
        Some(limit) => read_or_cut(body, limit).await?,
        None => match Limited::new(body, MAX_REQUEST_BODY).collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(e) if e.is::<LengthLimitError>() => Err(plain(413, "request body too large")),
            Err(_) => Err(plain(400, "could not read the request body")),
        },
    };
    let body = match body {
        Ok(body) => body,
        Err(refusal) => return Ok(refusal),
    };
    let request = HttpRequest {
        method: parts.method.as_str().to_owned(),
        path: parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect(),
        body,
    };
    match handler.handle(request).await {
        Reaction::Respond(response) => Ok(to_hyper(response)),
        Reaction::Hang => std::future::pending().await,
    }
}

/// Reads the body until `limit` bytes have come (then the connection is
/// cut) or it ends (then it is returned, or refused when over
/// [`MAX_REQUEST_BODY`]).
async fn read_or_cut(
    mut body: Incoming,
    limit: usize,
) -> Result<Result<Bytes, Response<Full<Bytes>>>, ConnectionCut> {
    let mut received = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Ok(Err(plain(400, "could not read the request body")));
        };
        if let Ok(data) = frame.into_data() {
            received.extend_from_slice(&data);
        }
        if received.len() >= limit {
            return Err(ConnectionCut);
        }
        if received.len() > MAX_REQUEST_BODY {
            return Ok(Err(plain(413, "request body too large")));
        }
    }
    Ok(Ok(received.freeze()))
}

fn to_hyper(response: HttpResponse) -> Response<Full<Bytes>> {
    let mut builder = Response::builder().status(response.status);
    for (name, value) in &response.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(response.body)))
        .unwrap_or_else(|_| plain(500, "the handler returned an invalid status or header"))
}

fn plain(status: u16, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    if let Ok(status) = hyper::StatusCode::from_u16(status) {
        *response.status_mut() = status;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(accept_encoding: &str) -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            path: "/".into(),
            headers: vec![("accept-encoding".into(), accept_encoding.into())],
            body: Bytes::new(),
        }
    }

    #[test]
    fn accept_encoding_parsing() {
        assert!(request("gzip").accepts_gzip());
        assert!(request("deflate, GZIP;q=0.5").accepts_gzip());
        assert!(request("*").accepts_gzip());
        assert!(!request("gzip;q=0").accepts_gzip());
        assert!(!request("br").accepts_gzip());
    }

    #[test]
    fn gzip_round_trips() {
        use std::io::Read;
        let response = HttpResponse::html(200, "hello").gzip();
        assert!(response
            .headers
            .contains(&("content-encoding".into(), "gzip".into())));
        let mut out = String::new();
        flate2::read::GzDecoder::new(&response.body[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "hello");
    }
}
