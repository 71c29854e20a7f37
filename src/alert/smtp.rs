//! The e-mail sender: one plain-text message over SMTP, always encrypted: TLS from the first
//! byte (SMTPS) or STARTTLS that must succeed (never a fallback to plain text, which would
//! give the password and the alert to anyone on the path).

use super::AlertMessage;
use super::webhook::{SendError, io_error};
use crate::config::{EmailConfig, SmtpSecurity};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, Transport};
use std::time::Duration;

/// Sends `message.subject` and `message.text` (UTF-8, e.g. Chinese) from `from` to every `to`.
pub fn send(config: &EmailConfig, message: &AlertMessage) -> Result<(), SendError> {
    let email = build(config, message)?;
    let target = format!("{}:{}", config.server, config.port);
    let mut tls = TlsParameters::builder(config.server.clone());
    if let Some(path) = &config.ca_file {
        // The shop's own CAs are trusted besides the standard web roots, not instead of them.
        let pem = std::fs::read(path)
            .map_err(|e| SendError::Config(format!("[alerts.email] ca_file {}: {e}", path.display())))?;
        let certificate = Certificate::from_pem(&pem)
            .ok()
            .filter(|_| pem_has_certificate(&pem))
            .ok_or_else(|| {
                SendError::Config(format!(
                    "[alerts.email] ca_file {}: no PEM certificate in it",
                    path.display()
                ))
            })?;
        tls = tls.add_root_certificate(certificate);
    }
    let tls = tls
        .build()
        .map_err(|e| SendError::Config(format!("[alerts.email] TLS settings: {e}")))?;
    let mut transport = SmtpTransport::builder_dangerous(config.server.as_str())
        .port(config.port)
        .tls(match config.security {
            SmtpSecurity::Tls => Tls::Wrapper(tls),
            SmtpSecurity::StartTls => Tls::Required(tls),
        })
        .timeout(Some(Duration::from_secs(config.timeout_secs)));
    if let (Some(user), Some(password)) = (&config.username, &config.password) {
        transport = transport.credentials(Credentials::new(user.clone(), password.clone()));
    }
    transport
        .build()
        .send(&email)
        .map(|_| ())
        .map_err(|e| match map_error(target, config.timeout_secs, &e) {
            // lettre's own words ("internal client error: STARTTLS is not supported") hide
            // that this is the safety catch working, not a bug.
            SendError::Other { target, reason } if e.is_client() && reason.contains("STARTTLS") => SendError::Tls {
                target,
                reason: "the server does not offer STARTTLS; the mail was not sent in plain text".into(),
            },
            other => other,
        })
}

fn pem_has_certificate(pem: &[u8]) -> bool {
    String::from_utf8_lossy(pem).contains("-----BEGIN CERTIFICATE-----")
}

fn build(config: &EmailConfig, message: &AlertMessage) -> Result<Message, SendError> {
    let mailbox = |key: &str, text: &str| {
        text.parse::<Address>()
            .map(|a| Mailbox::new(None, a))
            .map_err(|e| SendError::Config(format!("[alerts.email] {key}: '{text}': {e}")))
    };
    let mut builder = Message::builder()
        .from(mailbox("from", &config.from)?)
        .subject(message.subject.as_str())
        // A random id, as mail servers and spam filters expect one.
        .message_id(None)
        .header(ContentType::TEXT_PLAIN);
    for to in &config.to {
        builder = builder.to(mailbox("to", to)?);
    }
    builder
        .body(message.text.clone())
        .map_err(|e| SendError::Config(format!("[alerts.email]: {e}")))
}

/// Sorts lettre's errors into the shared kinds; the TLS and socket causes are found in the
/// error's source chain (lettre wraps rustls's handshake errors in I/O errors).
fn map_error(target: String, secs: u64, e: &lettre::transport::smtp::Error) -> SendError {
    let reason = e.to_string();
    if e.is_timeout() {
        return SendError::Timeout { target, secs };
    }
    if e.is_tls() {
        return SendError::Tls { target, reason };
    }
    if e.status().is_some() {
        return SendError::Rejected {
            target,
            reason,
            permanent: e.is_permanent(),
        };
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return match io_error(target.clone(), secs, io) {
                // Keep lettre's own wording, which says at which step the socket failed.
                SendError::Other { .. } => SendError::Other { target, reason },
                sorted => sorted,
            };
        }
        source = cause.source();
    }
    SendError::Other { target, reason }
}
