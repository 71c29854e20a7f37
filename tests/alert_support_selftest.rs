//! The alert test servers checked with a hand-driven client, for what the real clients do not
//! exercise: AUTH LOGIN step by step, dot-unstuffing, RSET, refusals, and the MIME decoders.

mod alert_support;

use alert_support::http::{Answer, HttpServer};
use alert_support::mime;
use alert_support::smtp::{Security, SmtpServer};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        let writer = stream.try_clone().expect("clone");
        let mut client = Client {
            reader: BufReader::new(stream),
            writer,
        };
        assert!(client.reply().starts_with("220 "));
        client
    }

    /// The whole reply (all its lines); returns the last line.
    fn reply(&mut self) -> String {
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).expect("reply");
            assert!(line.len() >= 4, "short reply {line:?}");
            if line.as_bytes()[3] == b' ' {
                return line.trim_end().to_string();
            }
        }
    }

    fn say(&mut self, line: &str) -> String {
        write!(self.writer, "{line}\r\n").expect("send");
        self.reply()
    }
}

#[test]
fn smtp_server_speaks_login_rset_and_unstuffs_dots() {
    let server = SmtpServer::start(Security::PlainOnly, Some(("u", "p")));
    let mut c = Client::connect(server.port());
    assert!(c.say("EHLO test").starts_with("250 "));
    assert!(c.say("MAIL FROM:<a@x.example>").starts_with("530 "), "auth first");
    assert!(c.say("STARTTLS").starts_with("502 "), "not offered in this mode");
    assert!(c.say("AUTH LOGIN").starts_with("334 "));
    assert!(c.say("dQ==").starts_with("334 "));
    assert!(c.say("d3Jvbmc=").starts_with("535 "), "wrong password");
    assert!(c.say("AUTH LOGIN dQ==").starts_with("334 "));
    assert!(c.say("cA==").starts_with("235 "));
    assert!(c.say("RCPT TO:<b@x.example>").starts_with("503 "), "MAIL first");
    assert!(c.say("MAIL FROM:<old@x.example>").starts_with("250 "));
    assert!(c.say("RSET").starts_with("250 "));
    assert!(c.say("MAIL FROM:<a@x.example> SIZE=100").starts_with("250 "));
    assert!(c.say("RCPT TO:<b@x.example>").starts_with("250 "));
    assert!(c.say("DATA").starts_with("354 "));
    let data = "Subject: =?utf-8?q?caf=C3=A9_?= =?UTF-8?B?5rWL6K+V?=\r\n\
                Content-Transfer-Encoding: quoted-printable\r\n\r\n\
                ..leading dot\r\nsoft=\r\n break =E4=B8=AD\r\n.\r\n";
    write!(c.writer, "{data}").expect("data");
    assert!(c.reply().starts_with("250 "));
    assert!(c.say("NOOP").starts_with("250 "));
    assert!(c.say("QUIT").starts_with("221 "));
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(
        (m.from.as_str(), m.to.as_slice()),
        ("a@x.example", ["b@x.example".to_string()].as_slice())
    );
    assert_eq!(m.user.as_deref(), Some("u"));
    assert!(!m.tls);
    assert!(String::from_utf8_lossy(&m.data).contains("\r\n.leading dot\r\n"));
    assert_eq!(m.subject().expect("subject"), "café 测试");
    assert_eq!(m.text().expect("text"), ".leading dot\nsoft break 中\n");
    let commands = server.commands();
    assert!(commands.contains(&"AUTH LOGIN".to_string()), "{commands:?}");
    assert!(!commands.iter().any(|c| c.contains("cA==")), "secrets are not logged");
}

#[test]
fn smtp_server_drops_idle_and_vanished_clients() {
    let server = SmtpServer::start(Security::StartTls, None);
    let mut c = Client::connect(server.port());
    assert!(c.say("EHLO test").starts_with("250 "));
    drop(c);
    // A new connection is still served after one vanished mid-session.
    let mut c = Client::connect(server.port());
    assert!(c.say("HELO test").starts_with("250 "));
    assert!(c.say("BOGUS").starts_with("500 "));
}

#[test]
fn http_server_records_and_answers() {
    let server = HttpServer::start(Answer::Status(503));
    let mut s = TcpStream::connect(server.url("").trim_start_matches("http://")).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    write!(s, "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
        .expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 503 "), "{answer}");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!((requests[0].method.as_str(), requests[0].path.as_str()), ("POST", "/p"));
    assert_eq!(requests[0].body, b"abcde");
    assert_eq!(requests[0].header("HOST"), Some("x"));
}

#[test]
fn mime_decoders_refuse_what_they_do_not_know() {
    assert!(mime::decode_words("=?iso-8859-1?q?caf=E9?=").is_err());
    assert!(mime::decode_words("=?utf-8?x?abc?=").is_err());
    assert_eq!(mime::decode_words("plain text").expect("plain"), "plain text");
    let headers = vec![("Content-Transfer-Encoding".to_string(), "x-uuencode".to_string())];
    assert!(mime::decode_body(&headers, b"x").is_err());
    assert!(mime::split(b"Subject: no body separator").is_err());
}
