//! The alert transports against local servers: the webhook against a recording HTTP server,
//! e-mail against an SMTP server with STARTTLS, implicit TLS and AUTH (tests/alert_support).

mod alert_support;

use alert_support::http::{Answer, HttpServer};
use alert_support::smtp::{Security, SmtpServer, TestCert};
use std::time::{Duration, Instant};
use tillguard::alert::webhook::SendError;
use tillguard::alert::{AlertMessage, smtp, webhook};
use tillguard::config::{EmailConfig, SmtpSecurity, WebhookConfig};

fn message() -> AlertMessage {
    AlertMessage {
        subject: "事故：终端离线 — Terminal offline at till 1".into(),
        // A line starting with a dot tests the dot-stuffing on both sides.
        text: "终端已离线 12 分钟。\n.请检查网线和电源。\nAmount in doubt: 123.45 CNY\n".into(),
        json: serde_json::json!({"kind": "terminal_offline", "till": "1", "text": "终端已离线", "minutes": 12}),
    }
}

fn webhook(url: String, timeout_secs: u64) -> WebhookConfig {
    WebhookConfig { url, timeout_secs }
}

#[test]
fn webhook_posts_the_json() {
    let server = HttpServer::start(Answer::Ok);
    webhook::post(&webhook(server.url("/hooks/till"), 5), &message()).expect("delivered");
    let requests = server.wait_for_requests(1, Duration::from_secs(5));
    assert_eq!(requests.len(), 1, "{requests:?}");
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/hooks/till");
    assert_eq!(r.header("content-type"), Some("application/json"));
    let agent = r.header("user-agent").expect("user agent");
    assert!(
        agent.starts_with("tillguard/") && agent.contains(env!("CARGO_PKG_VERSION")),
        "{agent}"
    );
    let body: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON body");
    assert_eq!(body, message().json);
}

#[test]
fn webhook_error_status_is_named() {
    let server = HttpServer::start(Answer::Status(500));
    let e = webhook::post(&webhook(server.url("/x"), 5), &message()).expect_err("500 is not delivered");
    let text = e.to_string();
    assert!(matches!(e, SendError::Status { status: 500, .. }), "{e:?}");
    assert!(text.contains("500") && text.contains("test server says 500"), "{text}");
    assert!(e.is_retryable());

    server.set_answer(Answer::Status(404));
    let e = webhook::post(&webhook(server.url("/x"), 5), &message()).expect_err("404");
    assert!(matches!(e, SendError::Status { status: 404, .. }), "{e:?}");
    assert!(!e.is_retryable());
    // A redirect is not followed: the POST would become a GET and the alert be lost.
    server.set_answer(Answer::Status(302));
    let e = webhook::post(&webhook(server.url("/x"), 5), &message()).expect_err("302");
    assert!(matches!(e, SendError::Status { status: 302, .. }), "{e:?}");
}

#[test]
fn webhook_times_out_when_the_server_does_not_answer() {
    let server = HttpServer::start(Answer::Silent);
    let started = Instant::now();
    let e = webhook::post(&webhook(server.url("/slow"), 1), &message()).expect_err("no answer");
    let took = started.elapsed();
    assert!(matches!(e, SendError::Timeout { secs: 1, .. }), "{e:?}");
    assert!(e.to_string().contains("no answer"), "{e}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(4),
        "{took:?}"
    );
    // The request did arrive: it was the answer that never came.
    assert_eq!(server.wait_for_requests(1, Duration::from_secs(2)).len(), 1);
}

#[test]
fn webhook_connect_error_when_nothing_listens() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let started = Instant::now();
    let e = webhook::post(&webhook(format!("http://127.0.0.1:{port}/x"), 3), &message()).expect_err("refused");
    assert!(matches!(e, SendError::Connect { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with("could not connect to http://127.0.0.1:"),
        "{e}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

fn email(server: &SmtpServer, security: SmtpSecurity, ca_file: Option<std::path::PathBuf>) -> EmailConfig {
    EmailConfig {
        server: "127.0.0.1".into(),
        port: server.port(),
        security,
        username: Some("till".into()),
        password: Some("s3cret 密码".into()),
        from: "till@shop.example".into(),
        to: vec![
            "boss@shop.example".into(),
            "manager@shop.example".into(),
            "owner@example.org".into(),
        ],
        ca_file,
        timeout_secs: 5,
    }
}

fn assert_delivered(server: &SmtpServer, config: &EmailConfig) {
    let messages = server.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    assert!(m.tls, "delivered over TLS");
    assert_eq!(m.user.as_deref(), Some("till"));
    assert_eq!(m.from, "till@shop.example");
    assert_eq!(m.to, config.to);
    let expected = message();
    assert_eq!(m.subject().expect("subject decodes"), expected.subject);
    assert_eq!(m.text().expect("body decodes").trim_end(), expected.text.trim_end());
    let content_type = m.header("Content-Type").expect("content type").to_ascii_lowercase();
    assert!(
        content_type.starts_with("text/plain") && content_type.contains("utf-8"),
        "{content_type}"
    );
    assert!(
        server
            .wait_for_quit(Duration::from_secs(2))
            .contains(&"QUIT".to_string())
    );
}

#[test]
fn email_over_starttls_with_auth() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = SmtpServer::start(Security::StartTls, Some(("till", "s3cret 密码")));
    let ca = server.cert.write_pem(dir.path(), "ca.pem");
    let config = email(&server, SmtpSecurity::StartTls, Some(ca));
    smtp::send(&config, &message()).expect("sent");
    assert_delivered(&server, &config);
    let commands = server.commands();
    let position = |c: &str| commands.iter().position(|x| x == c).unwrap_or(usize::MAX);
    assert!(position("STARTTLS") < position("AUTH PLAIN"), "{commands:?}");
}

#[test]
fn email_over_implicit_tls_with_auth() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = SmtpServer::start(Security::ImplicitTls, Some(("till", "s3cret 密码")));
    let ca = server.cert.write_pem(dir.path(), "ca.pem");
    let config = email(&server, SmtpSecurity::Tls, Some(ca));
    smtp::send(&config, &message()).expect("sent");
    assert_delivered(&server, &config);
    assert!(!server.commands().contains(&"STARTTLS".to_string()));
}

#[test]
fn email_wrong_password_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = SmtpServer::start(Security::ImplicitTls, Some(("till", "right")));
    let ca = server.cert.write_pem(dir.path(), "ca.pem");
    let e = smtp::send(&email(&server, SmtpSecurity::Tls, Some(ca)), &message()).expect_err("bad password");
    assert!(matches!(e, SendError::Rejected { permanent: true, .. }), "{e:?}");
    assert!(e.to_string().contains("535"), "{e}");
    assert!(!e.is_retryable());
    assert!(server.messages().is_empty());
}

#[test]
fn email_without_starttls_is_never_sent_in_plain_text() {
    let server = SmtpServer::start(Security::PlainOnly, Some(("till", "s3cret 密码")));
    let e = smtp::send(&email(&server, SmtpSecurity::StartTls, None), &message()).expect_err("no STARTTLS");
    assert!(matches!(e, SendError::Tls { .. }), "{e:?}");
    assert!(e.to_string().contains("does not offer STARTTLS"), "{e}");
    let commands = server.wait_for_quit(Duration::from_secs(1));
    assert!(server.messages().is_empty());
    // Neither the password nor the envelope went out in the clear.
    assert!(
        !commands
            .iter()
            .any(|c| c.starts_with("AUTH") || c == "MAIL" || c == "RCPT" || c == "DATA"),
        "{commands:?}"
    );
}

#[test]
fn email_server_certificate_from_an_unknown_ca_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let other = TestCert::generate().write_pem(dir.path(), "other-ca.pem");
    for (security, server_security) in [
        (SmtpSecurity::StartTls, Security::StartTls),
        (SmtpSecurity::Tls, Security::ImplicitTls),
    ] {
        let server = SmtpServer::start(server_security, Some(("till", "s3cret 密码")));
        let e = smtp::send(&email(&server, security, Some(other.clone())), &message()).expect_err("unknown CA");
        assert!(matches!(e, SendError::Tls { .. }), "{security:?}: {e:?}");
        assert!(
            e.to_string().contains("invalid peer certificate: UnknownIssuer"),
            "{security:?}: {e}"
        );
        assert!(server.messages().is_empty());
        assert!(!server.commands().iter().any(|c| c.starts_with("AUTH")));
    }
    // Without the shop's CA only the web roots are trusted, and they do not know this server.
    let server = SmtpServer::start(Security::ImplicitTls, None);
    let e = smtp::send(&email(&server, SmtpSecurity::Tls, None), &message()).expect_err("no CA");
    assert!(matches!(e, SendError::Tls { .. }), "{e:?}");
}

#[test]
fn email_bad_ca_file_is_a_settings_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = SmtpServer::start(Security::ImplicitTls, None);
    let missing = dir.path().join("missing.pem");
    let e = smtp::send(&email(&server, SmtpSecurity::Tls, Some(missing)), &message()).expect_err("missing");
    assert!(
        matches!(e, SendError::Config(_)) && e.to_string().contains("ca_file"),
        "{e:?}"
    );
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").expect("write");
    let e = smtp::send(&email(&server, SmtpSecurity::Tls, Some(junk)), &message()).expect_err("junk");
    assert!(
        matches!(e, SendError::Config(_)) && e.to_string().contains("no PEM certificate"),
        "{e:?}"
    );
    assert!(!e.is_retryable());
}

#[test]
fn email_connect_error_when_nothing_listens() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let mut config = EmailConfig {
        server: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::Tls,
        username: None,
        password: None,
        from: "till@shop.example".into(),
        to: vec!["boss@shop.example".into()],
        ca_file: None,
        timeout_secs: 3,
    };
    let e = smtp::send(&config, &message()).expect_err("refused");
    assert!(matches!(e, SendError::Connect { .. }), "{e:?}");
    config.security = SmtpSecurity::StartTls;
    let e = smtp::send(&config, &message()).expect_err("refused");
    assert!(matches!(e, SendError::Connect { .. }), "{e:?}");
}
