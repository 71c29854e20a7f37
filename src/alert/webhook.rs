//! The webhook sender: one HTTP(S) POST of an alert's JSON, and the error type both alert
//! transports share (the outbox records its text and retries on [`SendError::is_retryable`]).

use super::AlertMessage;
use crate::config::WebhookConfig;
use std::io::Read;
use std::time::Duration;

/// Sent with every webhook call, so the receiving side's logs say who called.
pub const USER_AGENT: &str = concat!("tillguard/", env!("CARGO_PKG_VERSION"));

/// How much of an error answer's body is read, and how much of it the error quotes.
const BODY_READ_LIMIT: u64 = 4096;
const BODY_EXCERPT_CHARS: usize = 200;

/// Why an alert was not delivered. The text is what the manager sees next to the alert.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The server answered, but not with success (HTTP status other than 2xx).
    #[error("{target} answered HTTP {status}{}", excerpt_suffix(body))]
    Status { target: String, status: u16, body: String },
    /// Nothing reachable at the address (refused, unknown host, no route).
    #[error("could not connect to {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error("no answer from {target} within {secs} s")]
    Timeout { target: String, secs: u64 },
    /// The TLS handshake failed, e.g. a certificate no trusted CA signed.
    #[error("secure connection to {target} failed: {reason}")]
    Tls { target: String, reason: String },
    /// The mail server refused a step (its reply code and text).
    #[error("{target} refused the mail: {reason}")]
    Rejected {
        target: String,
        reason: String,
        permanent: bool,
    },
    /// The settings cannot work (an unreadable CA file, a bad address): retrying will not help.
    #[error("alert settings: {0}")]
    Config(String),
    #[error("sending to {target} failed: {reason}")]
    Other { target: String, reason: String },
}

fn excerpt_suffix(body: &str) -> String {
    if body.is_empty() {
        String::new()
    } else {
        format!(": {body}")
    }
}

impl SendError {
    /// Whether sending the same alert later may succeed. Settings errors, permanent SMTP
    /// refusals and HTTP 4xx (other than 408 and 429) will fail the same way again.
    pub fn is_retryable(&self) -> bool {
        match self {
            SendError::Config(_) => false,
            SendError::Rejected { permanent, .. } => !permanent,
            SendError::Status { status, .. } => !(400..500).contains(status) || *status == 408 || *status == 429,
            _ => true,
        }
    }
}

/// POSTs `message.json` to the webhook. 2xx is delivered; redirects are not followed (a
/// POST turned into a GET would lose the alert), so a 3xx is an error like any other status.
pub fn post(config: &WebhookConfig, message: &AlertMessage) -> Result<(), SendError> {
    let secs = config.timeout_secs;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(secs)))
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .user_agent(USER_AGENT)
        .build()
        .into();
    let body = message.json.to_string();
    let target = config.url.clone();
    let response = agent
        .post(&config.url)
        .header("Content-Type", "application/json")
        .send(body.as_bytes())
        .map_err(|e| map_error(&target, secs, e))?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(());
    }
    let mut raw = Vec::new();
    // The excerpt is a courtesy: a body that fails to read still leaves the status to report.
    let _ = response
        .into_body()
        .into_reader()
        .take(BODY_READ_LIMIT)
        .read_to_end(&mut raw);
    Err(SendError::Status {
        target,
        status,
        body: excerpt(&raw),
    })
}

/// The start of an answer's body on one line, for an error message.
fn excerpt(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(BODY_EXCERPT_CHARS)
        .collect();
    if text.chars().count() > BODY_EXCERPT_CHARS {
        out.push('…');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn map_error(target: &str, secs: u64, error: ureq::Error) -> SendError {
    let target = target.to_string();
    match error {
        ureq::Error::Timeout(_) => SendError::Timeout { target, secs },
        ureq::Error::HostNotFound => SendError::Connect {
            target,
            reason: "host not found".into(),
        },
        ureq::Error::ConnectionFailed => SendError::Connect {
            target,
            reason: "connection failed".into(),
        },
        ureq::Error::Io(e) => io_error(target, secs, &e),
        ureq::Error::Rustls(e) => SendError::Tls {
            target,
            reason: e.to_string(),
        },
        ureq::Error::Tls(e) => SendError::Tls {
            target,
            reason: e.to_string(),
        },
        ureq::Error::BadUri(e) => SendError::Config(format!("webhook url {target}: {e}")),
        other => SendError::Other {
            target,
            reason: other.to_string(),
        },
    }
}

/// Sorts a socket error into connect, timeout and TLS failures, so the message says plainly
/// what went wrong (rustls reports handshake failures as `InvalidData` I/O errors).
pub(super) fn io_error(target: String, secs: u64, e: &std::io::Error) -> SendError {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::TimedOut | K::WouldBlock => SendError::Timeout { target, secs },
        K::ConnectionRefused
        | K::ConnectionReset
        | K::ConnectionAborted
        | K::NotConnected
        | K::AddrNotAvailable
        | K::HostUnreachable
        | K::NetworkUnreachable => SendError::Connect {
            target,
            reason: e.to_string(),
        },
        K::InvalidData if e.get_ref().is_some() => SendError::Tls {
            target,
            reason: e.to_string(),
        },
        _ => SendError::Other {
            target,
            reason: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_one_short_line() {
        assert_eq!(excerpt(b"  oops\r\n  broken\tthing \n"), "oops broken thing");
        let long = "x".repeat(500);
        let e = excerpt(long.as_bytes());
        assert_eq!(e.chars().count(), BODY_EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt("服务器错误".as_bytes()), "服务器错误");
    }

    #[test]
    fn status_errors_name_the_status_and_retry_sensibly() {
        let e = SendError::Status {
            target: "http://x/".into(),
            status: 500,
            body: "boom".into(),
        };
        assert_eq!(e.to_string(), "http://x/ answered HTTP 500: boom");
        assert!(e.is_retryable());
        let e = SendError::Status {
            target: "http://x/".into(),
            status: 404,
            body: String::new(),
        };
        assert_eq!(e.to_string(), "http://x/ answered HTTP 404");
        assert!(!e.is_retryable());
        let e = SendError::Status {
            target: "http://x/".into(),
            status: 429,
            body: String::new(),
        };
        assert!(e.is_retryable());
        assert!(!SendError::Config("x".into()).is_retryable());
    }
}
