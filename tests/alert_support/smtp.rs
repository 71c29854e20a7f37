//! A tiny SMTP server for the e-mail alert tests: EHLO/HELO, STARTTLS or TLS from the first
//! byte (rustls, a self-signed certificate made at start), AUTH PLAIN and LOGIN, MAIL, RCPT,
//! DATA (dot-unstuffed), RSET, NOOP and QUIT. It records every command verb and every
//! delivered message. One mode leaves STARTTLS out, as a downgrading attacker would.

use super::mime;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a session may wait for the client's next line before it is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_LINE: usize = 8192;
const MAX_MESSAGE: usize = 4 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain greeting; STARTTLS offered; AUTH offered only once the connection is secure.
    StartTls,
    /// TLS from the first byte (port 465 style).
    ImplicitTls,
    /// No STARTTLS at all (and AUTH offered in the clear): a client must refuse it.
    PlainOnly,
}

/// A self-signed certificate for `localhost` and `127.0.0.1`.
pub struct TestCert {
    pub pem: String,
    der: CertificateDer<'static>,
    key_der: Vec<u8>,
}

impl TestCert {
    pub fn generate() -> TestCert {
        // Each its own name, so another test certificate is an unknown issuer, as a stranger's is.
        static SERIAL: AtomicUsize = AtomicUsize::new(0);
        let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        let mut params = rcgen::CertificateParams::new(names).expect("certificate names");
        let n = SERIAL.fetch_add(1, Ordering::SeqCst);
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            format!("tillguard test {} {n}", std::process::id()),
        );
        let key = rcgen::KeyPair::generate().expect("key pair");
        let cert = params.self_signed(&key).expect("self-signed certificate");
        TestCert {
            pem: cert.pem(),
            der: cert.der().clone(),
            key_der: key.serialize_der(),
        }
    }

    /// Writes the certificate as a PEM file (for a client's `ca_file`).
    pub fn write_pem(&self, dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, &self.pem).expect("write PEM");
        path
    }

    fn server_config(&self) -> Arc<ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()));
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![self.der.clone()], key)
            .expect("server certificate");
        Arc::new(config)
    }
}

/// One message as it was handed over with DATA.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub from: String,
    pub to: Vec<String>,
    /// The message after dot-unstuffing, CRLF line ends, without the final ".".
    pub data: Vec<u8>,
    /// The user that authenticated on this connection, if any.
    pub user: Option<String>,
    /// Whether the message came over TLS.
    pub tls: bool,
}

impl Delivered {
    /// A header's value, unfolded, still encoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let (headers, _) = mime::split(&self.data).ok()?;
        mime::header(&headers, name).map(str::to_string)
    }

    /// The Subject, encoded words decoded.
    pub fn subject(&self) -> Result<String, String> {
        let (headers, _) = mime::split(&self.data)?;
        mime::decode_words(mime::header(&headers, "Subject").ok_or("no Subject")?)
    }

    /// The body text, transfer encoding undone, LF line ends.
    pub fn text(&self) -> Result<String, String> {
        let (headers, body) = mime::split(&self.data)?;
        mime::decode_body(&headers, &body)
    }
}

#[derive(Default)]
struct Record {
    /// Each command's verb (and AUTH's mechanism), never a password.
    commands: Vec<String>,
    messages: Vec<Delivered>,
}

struct Shared {
    security: Security,
    credentials: Option<(String, String)>,
    tls: Arc<ServerConfig>,
    record: Mutex<Record>,
    stop: AtomicBool,
}

pub struct SmtpServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    pub cert: TestCert,
}

impl SmtpServer {
    /// Starts a server; with `credentials`, MAIL is refused until AUTH gave them.
    pub fn start(security: Security, credentials: Option<(&str, &str)>) -> SmtpServer {
        let cert = TestCert::generate();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        listener.set_nonblocking(true).expect("nonblocking listener");
        let shared = Arc::new(Shared {
            security,
            credentials: credentials.map(|(u, p)| (u.to_string(), p.to_string())),
            tls: cert.server_config(),
            record: Mutex::new(Record::default()),
            stop: AtomicBool::new(false),
        });
        let for_thread = Arc::clone(&shared);
        let thread = std::thread::spawn(move || accept_loop(listener, for_thread));
        SmtpServer {
            addr,
            shared,
            thread: Some(thread),
            cert,
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn messages(&self) -> Vec<Delivered> {
        self.shared.record.lock().expect("record lock").messages.clone()
    }

    pub fn commands(&self) -> Vec<String> {
        self.shared.record.lock().expect("record lock").commands.clone()
    }

    /// Waits until the client's QUIT (or `timeout`): commands may still be arriving when
    /// the client's call returns.
    pub fn wait_for_quit(&self, timeout: Duration) -> Vec<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let commands = self.commands();
            if commands.iter().any(|c| c == "QUIT") || Instant::now() >= deadline {
                return commands;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let _ = session(stream, &shared);
                });
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// A connection read line by line, with its own buffer so that the switch to TLS can check
/// that nothing was pipelined after STARTTLS (such bytes must not be trusted).
struct Conn {
    stream: Stream,
    buf: Vec<u8>,
}

impl Conn {
    fn tls(tcp: TcpStream, config: &Arc<ServerConfig>) -> std::io::Result<Conn> {
        let server = ServerConnection::new(Arc::clone(config)).map_err(std::io::Error::other)?;
        Ok(Conn {
            stream: Stream::Tls(Box::new(StreamOwned::new(server, tcp))),
            buf: Vec::new(),
        })
    }

    fn is_tls(&self) -> bool {
        matches!(self.stream, Stream::Tls(_))
    }

    fn upgrade(self, config: &Arc<ServerConfig>) -> std::io::Result<Conn> {
        if !self.buf.is_empty() {
            return Err(std::io::Error::other("data pipelined after STARTTLS"));
        }
        match self.stream {
            Stream::Plain(tcp) => Conn::tls(tcp, config),
            Stream::Tls(_) => Err(std::io::Error::other("already TLS")),
        }
    }

    /// The next line without its CRLF; `None` at the end of the connection.
    fn read_line(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(end) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = self.buf[..end].to_vec();
                self.buf.drain(..end + 2);
                return Ok(Some(line));
            }
            if self.buf.len() > MAX_LINE {
                return Err(std::io::Error::other("line too long"));
            }
            let mut chunk = [0; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => return Ok(None),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn reply(&mut self, lines: &[&str]) -> std::io::Result<()> {
        let mut text = String::new();
        for line in lines {
            text.push_str(line);
            text.push_str("\r\n");
        }
        self.stream.write_all(text.as_bytes())?;
        self.stream.flush()
    }

    fn read_text_line(&mut self) -> std::io::Result<String> {
        let line = self.read_line()?.ok_or(std::io::ErrorKind::UnexpectedEof)?;
        String::from_utf8(line).map_err(|_| std::io::Error::other("command is not UTF-8"))
    }
}

#[derive(Default)]
struct Envelope {
    from: Option<String>,
    to: Vec<String>,
}

fn session(tcp: TcpStream, shared: &Shared) -> std::io::Result<()> {
    // Accepted sockets inherit non-blocking mode from the listener on some systems.
    tcp.set_nonblocking(false)?;
    tcp.set_read_timeout(Some(READ_TIMEOUT))?;
    tcp.set_write_timeout(Some(READ_TIMEOUT))?;
    let mut conn = match shared.security {
        Security::ImplicitTls => Conn::tls(tcp, &shared.tls)?,
        Security::StartTls | Security::PlainOnly => Conn {
            stream: Stream::Plain(tcp),
            buf: Vec::new(),
        },
    };
    let log = |entry: String| shared.record.lock().expect("record lock").commands.push(entry);
    conn.reply(&["220 localhost ESMTP tillguard test server"])?;
    let mut user: Option<String> = None;
    let mut envelope = Envelope::default();
    loop {
        let line = conn.read_text_line()?;
        let (verb, arg) = match line.split_once(' ') {
            Some((verb, arg)) => (verb.to_ascii_uppercase(), arg.trim().to_string()),
            None => (line.trim().to_ascii_uppercase(), String::new()),
        };
        log(if verb == "AUTH" {
            format!("AUTH {}", arg.split(' ').next().unwrap_or("").to_ascii_uppercase())
        } else {
            verb.clone()
        });
        match verb.as_str() {
            "EHLO" => {
                envelope = Envelope::default();
                let mut lines = vec!["250-localhost greets you", "250-8BITMIME", "250-SIZE 10485760"];
                let offer_starttls = shared.security == Security::StartTls && !conn.is_tls();
                if offer_starttls {
                    lines.push("250-STARTTLS");
                }
                if shared.credentials.is_some() && (conn.is_tls() || shared.security == Security::PlainOnly) {
                    lines.push("250-AUTH PLAIN LOGIN");
                }
                lines.push("250 HELP");
                conn.reply(&lines)?;
            }
            "HELO" => conn.reply(&["250 localhost"])?,
            "STARTTLS" if shared.security == Security::StartTls && !conn.is_tls() => {
                conn.reply(&["220 2.0.0 ready to start TLS"])?;
                conn = conn.upgrade(&shared.tls)?;
                // RFC 3207: everything learnt before the handshake is forgotten.
                user = None;
                envelope = Envelope::default();
            }
            "STARTTLS" => conn.reply(&["502 5.5.1 STARTTLS not available"])?,
            "AUTH" => match authenticate(&mut conn, shared, &arg)? {
                Some(name) => {
                    user = Some(name);
                    conn.reply(&["235 2.7.0 authenticated"])?;
                }
                None => conn.reply(&["535 5.7.8 authentication failed"])?,
            },
            "MAIL" if shared.credentials.is_some() && user.is_none() => {
                conn.reply(&["530 5.7.0 authentication required"])?
            }
            "MAIL" => match angle_address(&arg, "FROM:") {
                Some(from) => {
                    envelope = Envelope {
                        from: Some(from),
                        to: Vec::new(),
                    };
                    conn.reply(&["250 2.1.0 sender ok"])?;
                }
                None => conn.reply(&["501 5.5.4 MAIL FROM:<address> expected"])?,
            },
            "RCPT" if envelope.from.is_none() => conn.reply(&["503 5.5.1 MAIL first"])?,
            "RCPT" => match angle_address(&arg, "TO:") {
                Some(to) => {
                    envelope.to.push(to);
                    conn.reply(&["250 2.1.5 recipient ok"])?;
                }
                None => conn.reply(&["501 5.5.4 RCPT TO:<address> expected"])?,
            },
            "DATA" if envelope.to.is_empty() => conn.reply(&["503 5.5.1 RCPT first"])?,
            "DATA" => {
                conn.reply(&["354 end data with <CR><LF>.<CR><LF>"])?;
                let data = read_data(&mut conn)?;
                let message = Delivered {
                    from: envelope.from.take().unwrap_or_default(),
                    to: std::mem::take(&mut envelope.to),
                    data,
                    user: user.clone(),
                    tls: conn.is_tls(),
                };
                shared.record.lock().expect("record lock").messages.push(message);
                conn.reply(&["250 2.0.0 queued"])?;
            }
            "RSET" => {
                envelope = Envelope::default();
                conn.reply(&["250 2.0.0 reset"])?;
            }
            "NOOP" => conn.reply(&["250 2.0.0 ok"])?,
            "QUIT" => {
                conn.reply(&["221 2.0.0 bye"])?;
                return Ok(());
            }
            _ => conn.reply(&["500 5.5.2 command not recognised"])?,
        }
    }
}

/// AUTH PLAIN and LOGIN, with or without an initial response; the user's name if the
/// credentials match.
fn authenticate(conn: &mut Conn, shared: &Shared, arg: &str) -> std::io::Result<Option<String>> {
    let mut parts = arg.split(' ');
    let mechanism = parts.next().unwrap_or("").to_ascii_uppercase();
    let initial = parts.next().map(str::to_string);
    let decode = |text: &str| {
        STANDARD
            .decode(text.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
    };
    let (name, password) = match mechanism.as_str() {
        "PLAIN" => {
            let response = match initial {
                Some(r) => r,
                None => {
                    conn.reply(&["334 "])?;
                    conn.read_text_line()?
                }
            };
            // authzid NUL authcid NUL password
            let Some(decoded) = decode(&response) else {
                return Ok(None);
            };
            let fields: Vec<&str> = decoded.split('\0').collect();
            let [_, name, password] = fields.as_slice() else {
                return Ok(None);
            };
            (name.to_string(), password.to_string())
        }
        "LOGIN" => {
            let name = match initial {
                Some(r) => r,
                None => {
                    conn.reply(&["334 VXNlcm5hbWU6"])?;
                    conn.read_text_line()?
                }
            };
            conn.reply(&["334 UGFzc3dvcmQ6"])?;
            let password = conn.read_text_line()?;
            let (Some(name), Some(password)) = (decode(&name), decode(&password)) else {
                return Ok(None);
            };
            (name, password)
        }
        _ => return Ok(None),
    };
    let matches = shared
        .credentials
        .as_ref()
        .is_some_and(|(u, p)| *u == name && *p == password);
    Ok(matches.then_some(name))
}

/// `FROM:<a@b> SIZE=1` -> `a@b`.
fn angle_address(arg: &str, prefix: &str) -> Option<String> {
    let rest = arg
        .get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .map(|_| &arg[prefix.len()..])?;
    let start = rest.find('<')?;
    let end = rest[start..].find('>')? + start;
    Some(rest[start + 1..end].to_string())
}

/// DATA lines up to the lone ".", a leading dot removed from each other line (RFC 5321 4.5.2).
fn read_data(conn: &mut Conn) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    loop {
        let line = conn.read_line()?.ok_or(std::io::ErrorKind::UnexpectedEof)?;
        if line == b"." {
            return Ok(data);
        }
        let line = line.strip_prefix(b".").unwrap_or(&line);
        data.extend_from_slice(line);
        data.extend_from_slice(b"\r\n");
        if data.len() > MAX_MESSAGE {
            return Err(std::io::Error::other("message too large"));
        }
    }
}
