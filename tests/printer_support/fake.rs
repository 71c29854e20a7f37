//! Fake ESC/POS printers for tests: a TCP printer (like a LAN printer on port 9100) and, on
//! unix, a serial printer on a pseudo-terminal.
//!
//! A fake records every byte it reads (across connections), answers each `DLE EOT n`
//! (n = 1..=4) in the stream right away with the status byte for its [`Behaviour`], and can
//! change behaviour while running. Its threads end when it is dropped.

use super::escpos::{self, Page};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How often blocked loops look at the stop flag and the behaviour.
const POLL: Duration = Duration::from_millis(10);

/// Status bytes: bits 1 and 4 are fixed at 1, everything else 0 = fine.
pub const STATUS_OK: u8 = 0x12;
/// DLE EOT 1, bit 3: offline.
pub const OFFLINE: u8 = 0x08;
/// DLE EOT 2, bit 2: cover open.
pub const COVER_OPEN: u8 = 0x04;
/// DLE EOT 2, bit 5: printing stopped by paper end.
pub const STOPPED_PAPER_END: u8 = 0x20;
/// DLE EOT 4, bits 2 and 3: roll paper near end.
pub const PAPER_NEAR_END: u8 = 0x0C;
/// DLE EOT 4, bits 5 and 6: roll paper end.
pub const PAPER_END: u8 = 0x60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Reads everything, answers status "all fine" (0x12).
    Normal,
    /// Reads and keeps everything; DLE EOT 1 = 0x1A (offline), 2 = 0x32 (stopped by paper end),
    /// 3 = 0x12, 4 = 0x72 (paper end).
    PaperOut,
    /// Reads and keeps everything; DLE EOT 1 = 0x1A (offline), 2 = 0x16 (cover open), 3 and 4 =
    /// 0x12.
    CoverOpen,
    /// Reads this many more bytes (counted from when the behaviour was set), answering status
    /// within them as Normal, then never reads again and so never answers. Setting another
    /// behaviour makes it read again.
    StopsReadingAfter(usize),
    /// Reads everything, never answers.
    Silent,
    /// Nothing listens on the port (connections are refused). Set on a running TCP fake it
    /// closes the listener and the open connections; setting another behaviour listens again on
    /// the same port. On a pty fake it closes nothing but reads nothing and answers nothing.
    RefusesConnections,
}

impl Behaviour {
    /// The answer to DLE EOT n, if this printer answers.
    pub fn status(self, n: u8) -> Option<u8> {
        let bits = match (self, n) {
            (_, 0 | 5..) => return None,
            (Behaviour::Silent | Behaviour::RefusesConnections, _) => return None,
            (Behaviour::Normal | Behaviour::StopsReadingAfter(_), _) => 0,
            (Behaviour::PaperOut | Behaviour::CoverOpen, 1) => OFFLINE,
            (Behaviour::PaperOut, 2) => STOPPED_PAPER_END,
            (Behaviour::PaperOut, 4) => PAPER_END,
            (Behaviour::CoverOpen, 2) => COVER_OPEN,
            (Behaviour::PaperOut | Behaviour::CoverOpen, _) => 0,
        };
        Some(STATUS_OK | bits)
    }
}

struct State {
    behaviour: Behaviour,
    /// Bytes still to read under `StopsReadingAfter`.
    budget: usize,
    received: Vec<u8>,
    /// TCP: whether an accept thread owns a listener.
    listening: bool,
}

struct Shared {
    state: Mutex<State>,
    stop: AtomicBool,
    connections: AtomicUsize,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn spawn(self: &Arc<Self>, f: impl FnOnce(Arc<Shared>) + Send + 'static) {
        let shared = Arc::clone(self);
        let handle = thread::spawn(move || f(shared));
        self.threads.lock().unwrap_or_else(|e| e.into_inner()).push(handle);
    }
}

enum Endpoint {
    Tcp(SocketAddr),
    #[cfg(unix)]
    Pty(String),
}

pub struct FakePrinter {
    shared: Arc<Shared>,
    endpoint: Endpoint,
}

impl FakePrinter {
    fn new(behaviour: Behaviour, endpoint: Endpoint) -> FakePrinter {
        let budget = match behaviour {
            Behaviour::StopsReadingAfter(n) => n,
            _ => 0,
        };
        let state = State {
            behaviour,
            budget,
            received: Vec::new(),
            listening: false,
        };
        let shared = Shared {
            state: Mutex::new(state),
            stop: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
            threads: Mutex::new(Vec::new()),
        };
        FakePrinter {
            shared: Arc::new(shared),
            endpoint,
        }
    }

    /// A printer on 127.0.0.1 with a free port. With `RefusesConnections` the port was bound
    /// and released, so nothing listens there.
    pub fn start_tcp(behaviour: Behaviour) -> FakePrinter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fake printer");
        let addr = listener.local_addr().expect("fake printer address");
        let printer = FakePrinter::new(behaviour, Endpoint::Tcp(addr));
        if behaviour == Behaviour::RefusesConnections {
            drop(listener);
        } else {
            printer.shared.state().listening = true;
            printer.shared.spawn(move |shared| accept_loop(shared, listener));
        }
        printer
    }

    /// A printer on a pseudo-terminal. Returns the other end (the "serial port" the app talks
    /// to), already in raw mode; [`FakePrinter::spec`] gives its path as `serial:PATH` for code
    /// that opens the port itself.
    #[cfg(unix)]
    pub fn start_pty(behaviour: Behaviour) -> (FakePrinter, serialport::TTYPort) {
        use serialport::SerialPort as _;
        let (mut master, slave) = serialport::TTYPort::pair().expect("open a pty pair");
        master.set_timeout(POLL).expect("pty timeout");
        let name = slave.name().expect("pty slave name");
        let printer = FakePrinter::new(behaviour, Endpoint::Pty(name));
        printer
            .shared
            .spawn(move |shared| serve(&shared, &mut master, Link::Pty));
        (printer, slave)
    }

    /// The TCP address; panics for a pty printer.
    pub fn addr(&self) -> SocketAddr {
        match &self.endpoint {
            Endpoint::Tcp(addr) => *addr,
            #[cfg(unix)]
            Endpoint::Pty(name) => panic!("the pty printer {name} has no TCP address"),
        }
    }

    /// The printer as a connection spec: `tcp:127.0.0.1:PORT` or `serial:/dev/pts/N`.
    pub fn spec(&self) -> String {
        match &self.endpoint {
            Endpoint::Tcp(addr) => format!("tcp:{addr}"),
            #[cfg(unix)]
            Endpoint::Pty(name) => format!("serial:{name}"),
        }
    }

    pub fn behaviour(&self) -> Behaviour {
        self.shared.state().behaviour
    }

    /// Switches behaviour (e.g. paper reloaded: `set_behaviour(Behaviour::Normal)`). For a TCP
    /// printer, switching to `RefusesConnections` returns once the port is closed, and
    /// switching away from it returns once the port listens again.
    pub fn set_behaviour(&self, behaviour: Behaviour) {
        let relisten = {
            let mut state = self.shared.state();
            state.behaviour = behaviour;
            state.budget = match behaviour {
                Behaviour::StopsReadingAfter(n) => n,
                _ => 0,
            };
            behaviour != Behaviour::RefusesConnections && !state.listening
        };
        let addr = match self.endpoint {
            Endpoint::Tcp(addr) => addr,
            #[cfg(unix)]
            Endpoint::Pty(_) => return,
        };
        if behaviour == Behaviour::RefusesConnections {
            let deadline = Instant::now() + Duration::from_secs(2);
            while self.shared.state().listening && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(1));
            }
        } else if relisten {
            let listener = TcpListener::bind(addr).unwrap_or_else(|e| panic!("listen again on {addr}: {e}"));
            self.shared.state().listening = true;
            self.shared.spawn(move |shared| accept_loop(shared, listener));
        }
    }

    /// Every byte read so far, across connections.
    pub fn received(&self) -> Vec<u8> {
        self.shared.state().received.clone()
    }

    /// Forgets the bytes read so far.
    pub fn clear(&self) {
        self.shared.state().received.clear();
    }

    /// The received bytes decoded and rendered.
    pub fn page(&self) -> Result<Page, String> {
        escpos::page(&self.received())
    }

    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Polls `pred` on the received bytes until it holds (true) or `timeout` passes (false).
    pub fn wait_for(&self, mut pred: impl FnMut(&[u8]) -> bool, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if pred(&self.shared.state().received) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(2));
        }
    }

    /// Waits until at least `n` bytes were received.
    pub fn wait_for_len(&self, n: usize, timeout: Duration) -> bool {
        self.wait_for(|b| b.len() >= n, timeout)
    }
}

impl Drop for FakePrinter {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        loop {
            let handle = self.shared.threads.lock().unwrap_or_else(|e| e.into_inner()).pop();
            match handle {
                Some(h) => {
                    let _ = h.join();
                }
                None => break,
            }
        }
    }
}

fn accept_loop(shared: Arc<Shared>, listener: TcpListener) {
    listener.set_nonblocking(true).expect("nonblocking listener");
    loop {
        if shared.stopped() {
            return;
        }
        {
            let mut state = shared.state();
            if state.behaviour == Behaviour::RefusesConnections {
                // Close the port while holding the lock, so set_behaviour can bind it again.
                drop(listener);
                state.listening = false;
                return;
            }
        }
        match listener.accept() {
            Ok((stream, _)) => {
                shared.connections.fetch_add(1, Ordering::SeqCst);
                shared.spawn(move |shared| {
                    // Accepted sockets inherit O_NONBLOCK on some platforms.
                    let ready = stream.set_nonblocking(false).is_ok()
                        && stream.set_read_timeout(Some(POLL)).is_ok()
                        && stream.set_write_timeout(Some(Duration::from_secs(1))).is_ok();
                    if ready {
                        let mut stream = stream;
                        serve(&shared, &mut stream, Link::Tcp);
                    }
                });
            }
            Err(_) => thread::sleep(Duration::from_millis(2)),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Link {
    Tcp,
    #[cfg(unix)]
    Pty,
}

/// Reads one connection (or the pty master) until stopped, the peer closes a TCP connection, or
/// the behaviour becomes `RefusesConnections` (TCP).
fn serve<S: Read + Write>(shared: &Shared, port: &mut S, link: Link) {
    let mut buf = vec![0u8; 64 * 1024];
    // DLE EOT scanner: 0 = idle, 1 = after DLE, 2 = after DLE EOT. Real printers also see
    // real-time commands inside other commands' data, so this scans the raw stream.
    let mut scan = 0u8;
    while !shared.stopped() {
        let allowed = {
            let state = shared.state();
            match state.behaviour {
                Behaviour::StopsReadingAfter(_) => state.budget.min(buf.len()),
                Behaviour::RefusesConnections if link == Link::Tcp => return,
                Behaviour::RefusesConnections => 0,
                _ => buf.len(),
            }
        };
        if allowed == 0 {
            thread::sleep(POLL);
            continue;
        }
        match port.read(&mut buf[..allowed]) {
            Ok(0) if link == Link::Tcp => return,
            Ok(0) => thread::sleep(POLL),
            Ok(k) => {
                let mut answers = Vec::new();
                {
                    let mut state = shared.state();
                    state.received.extend_from_slice(&buf[..k]);
                    if let Behaviour::StopsReadingAfter(_) = state.behaviour {
                        state.budget = state.budget.saturating_sub(k);
                    }
                    for &b in &buf[..k] {
                        scan = match (scan, b) {
                            (2, n) => {
                                answers.extend(state.behaviour.status(n));
                                if b == 0x10 { 1 } else { 0 }
                            }
                            (1, 0x04) => 2,
                            (_, 0x10) => 1,
                            _ => 0,
                        };
                    }
                }
                if !answers.is_empty() && port.write_all(&answers).is_err() && link == Link::Tcp {
                    return;
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) => {}
            Err(_) if link == Link::Tcp => return,
            // A pty master whose other end is closed reports hang-up until someone reopens it.
            Err(_) => thread::sleep(POLL),
        }
    }
}

/// Connects to a TCP fake with short timeouts, for tests that play the app.
pub fn connect(printer: &FakePrinter) -> TcpStream {
    let stream = TcpStream::connect(printer.addr()).expect("connect to the fake printer");
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .expect("read timeout");
    stream
        .set_write_timeout(Some(Duration::from_secs(2)))
        .expect("write timeout");
    stream
}
