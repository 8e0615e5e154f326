//! The Smart Accounts & Licensing API client behind `reallot fetch` and `reallot execute`
//! (README, "Getting data out of CSSM").
//!
//! - Credentials are OAuth2 client credentials from the environment
//!   ([`Credentials::from_env`]); they are sent only to the token URL, in the form body,
//!   and never appear in a message, a log line or a file. While the client runs, the log
//!   level is capped at `debug` (the HTTP crate's `trace` level prints the wire unredacted).
//! - Every request is bounded: a timeout per request, and retries with exponential backoff
//!   on 429 and 5xx (and on timeouts and refused connections), honouring `Retry-After`,
//!   at most [`Retry::attempts`] tries within [`Retry::budget`] of waiting.
//! - A 401 or 403 says which credential or permission is missing; DNS and TLS failures
//!   name the URL to check; a body that is not the JSON expected is an input error (exit
//!   65) naming the endpoint and the JSON path.

pub mod fetch;
pub mod transfer;

use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::Value;

use crate::error::{Diagnostic, Error, Result};

/// `--api-base` default: the Smart Accounts & Licensing API.
pub const DEFAULT_API_BASE: &str =
    "https://swapi.cisco.com/services/api/smart-accounts-and-licensing/v1";
/// `--ea-base` default: the Enterprise Agreements API.
pub const DEFAULT_EA_BASE: &str = "https://swapi.cisco.com/services/api/enterprise-agreements/v1";
/// `--token-url` default: Cisco's OAuth2 token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://id.cisco.com/oauth2/default/v1/token";

/// Environment variable holding the OAuth2 client id.
pub const CLIENT_ID_VAR: &str = "REALLOT_CLIENT_ID";
/// Environment variable holding the OAuth2 client secret.
pub const CLIENT_SECRET_VAR: &str = "REALLOT_CLIENT_SECRET";

/// The largest response body read (a page of licence rows is far smaller).
const MAX_BODY: u64 = 256 * 1024 * 1024;

/// Where the API lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// Base of the Smart Accounts & Licensing API (`…/v1`).
    pub api_base: String,
    /// Base of the Enterprise Agreements API.
    pub ea_base: String,
    /// OAuth2 token endpoint.
    pub token_url: String,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            api_base: DEFAULT_API_BASE.into(),
            ea_base: DEFAULT_EA_BASE.into(),
            token_url: DEFAULT_TOKEN_URL.into(),
        }
    }
}

/// Characters escaped in a URL path segment (a domain or a VA name).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// `s` escaped for one segment of a URL path.
pub fn segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// `base` joined with `path` (one `/` between them).
fn url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// A text that must never show (a client secret, an access token): its `Debug` form is
/// `"***"`.
#[derive(Clone)]
struct Secret(String);

impl Secret {
    fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt("***", f)
    }
}

/// OAuth2 client credentials. Their `Debug` form hides the secret.
#[derive(Clone, Debug)]
pub struct Credentials {
    id: String,
    secret: Secret,
}

impl Credentials {
    /// Reads [`CLIENT_ID_VAR`] and [`CLIENT_SECRET_VAR`]; a missing or empty one is a
    /// usage error (exit 2) naming it.
    pub fn from_env() -> Result<Credentials> {
        let read = |var: &str| {
            std::env::var(var)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "{var} is not set: export the OAuth2 client credentials of your API client ({CLIENT_ID_VAR} and {CLIENT_SECRET_VAR}) before calling the API"
                    ))
                })
        };
        Ok(Credentials {
            id: read(CLIENT_ID_VAR)?,
            secret: Secret(read(CLIENT_SECRET_VAR)?),
        })
    }

    /// Credentials given directly (tests, embedding).
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Credentials {
        Credentials {
            id: id.into(),
            secret: Secret(secret.into()),
        }
    }
}

/// How often and how long a request is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Tries in all (the first one included).
    pub attempts: u32,
    /// The first backoff; each next one doubles.
    pub base: Duration,
    /// The most time spent waiting between tries, over one request.
    pub budget: Duration,
    /// Timeout of one try (connection, request and response).
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 5,
            base: Duration::from_millis(500),
            budget: Duration::from_secs(120),
            timeout: Duration::from_secs(60),
        }
    }
}

/// The method and body of one request.
#[derive(Clone, Copy)]
enum Send<'a> {
    Get,
    PostJson(&'a [u8]),
    PostForm(&'a [(&'a str, &'a str)]),
}

/// One try's outcome: a status with its body and `Retry-After`, or a transport failure.
enum Outcome {
    Status(u16, Vec<u8>, Option<Duration>),
    Failed(ureq::Error),
}

/// A client holding an access token. Its `Debug` form hides the token and the secret.
#[derive(Debug)]
pub struct Client {
    agent: ureq::Agent,
    token: Secret,
    retry: Retry,
    secret: Secret,
    progress: ProgressBar,
}

/// An error about reaching `what` at `url` (exit 1).
fn network(url: &str, message: String) -> Error {
    Error::io(url, std::io::Error::other(message))
}

/// What a transport failure means, in words an advisor can act on.
fn transport_message(e: &ureq::Error, timeout: Duration) -> String {
    match e {
        ureq::Error::HostNotFound => {
            "DNS lookup failed: the host name does not resolve (check the URL and the network or proxy)".into()
        }
        ureq::Error::ConnectionFailed => {
            "could not connect (check the URL, the network and any proxy)".into()
        }
        ureq::Error::Timeout(_) => format!(
            "no complete answer within {} s (the API or the network is slow; try again later)",
            timeout.as_secs()
        ),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => format!(
            "TLS failed: {e} (check that the URL is the API's, and whether a proxy intercepts TLS)"
        ),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused (check the URL and that the service is up)".into()
        }
        other => format!("request failed: {other}"),
    }
}

/// Whether a transport failure is worth another try: one where the request never
/// reached the server always; one that may have reached it (a timeout, a reset) only
/// when the request is safe to repeat.
fn transient(e: &ureq::Error, repeatable: bool) -> bool {
    match e {
        ureq::Error::ConnectionFailed => true,
        ureq::Error::Timeout(_) => repeatable,
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => true,
            std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::UnexpectedEof => repeatable,
            _ => false,
        },
        _ => false,
    }
}

/// `Retry-After` in seconds (the HTTP-date form falls back to the backoff).
fn retry_after(r: &ureq::http::Response<ureq::Body>) -> Option<Duration> {
    let v = r.headers().get("retry-after")?.to_str().ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// An agent that returns every status as a response, with the try's timeout.
fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .user_agent(concat!("reallot/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
}

/// One try of a request.
fn try_once(agent: &ureq::Agent, url: &str, send: &Send, token: Option<&str>) -> Outcome {
    let auth = token.map(|t| format!("Bearer {t}"));
    let result = match send {
        Send::Get => {
            let mut r = agent.get(url).header("Accept", "application/json");
            if let Some(a) = &auth {
                r = r.header("Authorization", a);
            }
            r.call()
        }
        Send::PostJson(body) => {
            let mut r = agent
                .post(url)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json");
            if let Some(a) = &auth {
                r = r.header("Authorization", a);
            }
            r.send(*body)
        }
        Send::PostForm(form) => agent
            .post(url)
            .header("Accept", "application/json")
            .send_form(form.iter().copied()),
    };
    match result {
        Ok(mut r) => {
            let status = r.status().as_u16();
            let wait = retry_after(&r);
            match r.body_mut().with_config().limit(MAX_BODY).read_to_vec() {
                Ok(body) => Outcome::Status(status, body, wait),
                Err(e) => Outcome::Failed(e),
            }
        }
        Err(e) => Outcome::Failed(e),
    }
}

/// The first 300 characters of a body, with `hide` (the secret, the token) masked.
fn excerpt(body: &[u8], hide: &[&str]) -> String {
    let mut s: String = String::from_utf8_lossy(body).chars().take(300).collect();
    for h in hide.iter().filter(|h| !h.is_empty()) {
        s = s.replace(h, "***");
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sends one request with retries; the body of the first 2xx answer, or an error for
/// any other final status (`what` names the endpoint in messages, `hide` what must not
/// appear in them).
fn request(
    agent: &ureq::Agent,
    retry: &Retry,
    (url, what): (&str, &str),
    (send, repeatable): (&Send, bool),
    token: Option<&str>,
    hide: &[&str],
) -> Result<Vec<u8>> {
    let start = Instant::now();
    let mut waited = Duration::ZERO;
    for attempt in 1..=retry.attempts.max(1) {
        let outcome = try_once(agent, url, send, token);
        let (retryable, wait, last) = match outcome {
            Outcome::Status(s, body, _) if (200..300).contains(&s) => return Ok(body),
            // A 429 was not processed; a 5xx may have been, so only a request that is
            // safe to repeat is sent again.
            Outcome::Status(s, body, after) if s == 429 || (500..600).contains(&s) => (
                s == 429 || repeatable,
                after,
                format!("HTTP {s}: {}", excerpt(&body, hide)),
            ),
            Outcome::Status(s, body, _) => return Err(refused(what, s, &excerpt(&body, hide))),
            Outcome::Failed(e) => (
                transient(&e, repeatable),
                None,
                transport_message(&e, retry.timeout),
            ),
        };
        if !retryable || attempt == retry.attempts {
            let tries = if attempt > 1 {
                format!(
                    " (after {attempt} tries in {} s)",
                    start.elapsed().as_secs()
                )
            } else {
                String::new()
            };
            return Err(network(url, format!("{what}: {last}{tries}")));
        }
        let backoff = retry.base.saturating_mul(1 << (attempt - 1).min(16));
        let wait = wait.unwrap_or(backoff);
        if waited + wait > retry.budget {
            return Err(network(
                url,
                format!(
                    "{what}: {last}; the next try would come after {} s, beyond the retry budget of {} s: try again later",
                    (waited + wait).as_secs(),
                    retry.budget.as_secs()
                ),
            ));
        }
        log::info!("{what}: {last}; retrying in {} ms", wait.as_millis());
        std::thread::sleep(wait);
        waited += wait;
    }
    unreachable!("the loop returns on its last try")
}

/// The error for a final status that is neither success nor worth a retry.
fn refused(what: &str, status: u16, body: &str) -> Error {
    let why = match status {
        401 => "the credentials were refused (HTTP 401)".to_string(),
        403 => "permission denied (HTTP 403)".to_string(),
        s => format!("HTTP {s}"),
    };
    let fix = match status {
        401 if what.starts_with("token") => format!(
            "check {CLIENT_ID_VAR} and {CLIENT_SECRET_VAR}: the token endpoint does not accept them"
        ),
        401 => "the access token was not accepted: check that the API client is granted the Smart Accounts & Licensing API".into(),
        403 => "the API client has no access to this Smart Account or action: ask a Smart Account administrator to grant it (the domain must be the Smart Account's)".into(),
        404 => "check --domain, the Virtual Account names and --api-base".into(),
        _ => "check the request (see the answer above)".into(),
    };
    let answer = if body.is_empty() {
        String::new()
    } else {
        format!(": {body}")
    };
    Error::Usage(format!("{what}: {why}{answer}; {fix}"))
}

/// A body that is not the JSON expected, at `path` (exit 65).
pub fn malformed(what: &str, path: &str, message: impl Into<String>) -> Error {
    Error::input(
        Diagnostic::new(
            what,
            message,
            "the API answered with something else than its documented response: check --api-base / --ea-base, or try again later",
        )
        .at_column(path),
    )
}

/// Parses a response body as JSON (exit 65 naming the endpoint when it is not).
pub fn parse_body(what: &str, body: &[u8]) -> Result<Value> {
    serde_json::from_slice(body).map_err(|e| {
        malformed(
            what,
            "(top level)",
            format!(
                "is not JSON: {e} (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })
}

/// Caps the log level at `debug` for the life of the value (the HTTP crate's `trace`
/// level prints requests unredacted, secret included).
struct QuietWire(log::LevelFilter);

impl QuietWire {
    fn new() -> QuietWire {
        let before = log::max_level();
        log::set_max_level(before.min(log::LevelFilter::Debug));
        QuietWire(before)
    }
}

impl Drop for QuietWire {
    fn drop(&mut self) {
        log::set_max_level(self.0);
    }
}

impl Client {
    /// Exchanges the client credentials for an access token at `token_url`.
    pub fn connect(
        token_url: &str,
        creds: &Credentials,
        retry: Retry,
        progress: ProgressBar,
    ) -> Result<Client> {
        let _quiet = QuietWire::new();
        let agent = agent(retry.timeout);
        let what = format!("token request (POST {token_url})");
        progress.set_message("token");
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", creds.id.as_str()),
            ("client_secret", creds.secret.as_str()),
        ];
        let hide = [creds.secret.as_str()];
        let send = (&Send::PostForm(&form), true);
        let body = request(&agent, &retry, (token_url, &what), send, None, &hide)?;
        let v = parse_body(&what, &body)?;
        let token = match v.get("access_token") {
            Some(Value::String(t)) if !t.trim().is_empty() => t.trim().to_string(),
            Some(_) => return Err(malformed(&what, "access_token", "is not a non-empty text")),
            None => return Err(malformed(&what, "access_token", "is missing")),
        };
        progress.inc(1);
        Ok(Client {
            agent,
            token: Secret(token),
            retry,
            secret: creds.secret.clone(),
            progress,
        })
    }

    fn call(&self, url: &str, what: &str, send: (&Send, bool)) -> Result<Vec<u8>> {
        let _quiet = QuietWire::new();
        self.progress.set_message(what.to_string());
        let hide = [self.secret.as_str(), self.token.as_str()];
        let body = request(
            &self.agent,
            &self.retry,
            (url, what),
            send,
            Some(self.token.as_str()),
            &hide,
        )?;
        self.progress.inc(1);
        Ok(body)
    }

    /// `GET url` with the access token: the body of the answer (`what` names the
    /// endpoint in messages).
    pub fn get(&self, url: &str, what: &str) -> Result<Vec<u8>> {
        self.call(url, what, (&Send::Get, true))
    }

    /// `POST url` with a JSON body and the access token: the body of the answer. A
    /// query (`repeatable`) is retried on 5xx and timeouts too; a change (a transfer) only
    /// where the server cannot have acted on it (429, no connection).
    pub fn post_json(
        &self,
        url: &str,
        what: &str,
        body: &Value,
        repeatable: bool,
    ) -> Result<Vec<u8>> {
        let bytes = serde_json::to_vec(body).expect("a JSON value serialises");
        self.call(url, what, (&Send::PostJson(&bytes), repeatable))
    }

    /// Ends the progress display.
    pub fn finish(&self) {
        self.progress.finish_and_clear();
    }
}

/// A progress display on standard error when it is a terminal, else none.
pub fn progress() -> ProgressBar {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    } else {
        ProgressBar::hidden()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_escaped() {
        assert_eq!(segment("acme.com"), "acme.com");
        assert_eq!(segment("Branch Office/2"), "Branch%20Office%2F2");
        assert_eq!(url("http://h/v1/", "/accounts"), "http://h/v1/accounts");
    }

    #[test]
    fn the_secret_never_shows() {
        let c = Credentials::new("id", "s3cr3t");
        assert!(!format!("{c:?}").contains("s3cr3t"));
        assert_eq!(excerpt(b"bad s3cr3t here", &["s3cr3t"]), "bad *** here");
    }
}
