//! A TCP relay between the till and the simulated terminal that notes every ZVT APDU passing
//! through (direction, class, instruction, when). The crash loop uses it to aim kills at moments
//! of the exchange (e.g. just after the terminal's result reached the till), to tell afterwards
//! whether the till acknowledged that result, and to wait until the terminal has seen the
//! killed till's connection close. It forwards every APDU unchanged, so the till and the
//! terminal behave exactly as if connected directly, unless told to drop the till's
//! acknowledgements of results (a cable pulled at the worst moment).

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tillguard::terminal::zvt::apdu::Apdu;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    ToTerminal,
    ToTill,
}

/// One APDU, noted once it was passed on in full.
#[derive(Debug, Clone, Copy)]
pub struct Message {
    pub at: Instant,
    pub dir: Dir,
    pub class: u8,
    pub instr: u8,
    /// Held back on purpose (`swallow_result_acks`): the other side never got it.
    pub dropped: bool,
}

impl Message {
    fn is(&self, dir: Dir, class: u8, instr: u8) -> bool {
        (self.dir, self.class, self.instr) == (dir, class, instr)
    }
}

#[derive(Default)]
struct Log {
    messages: Vec<Message>,
    /// Relayed connections not yet closed on both sides.
    open: usize,
}

#[derive(Default)]
struct Shared {
    log: Mutex<Log>,
    changed: Condvar,
    /// Drop the till's acknowledgement of the result (04 0F) of its command `06 xx`, as a
    /// cable pulled at that instant would.
    swallow: Mutex<Option<u8>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Log> {
        // A pump thread that panicked leaves the log readable; the test reports what it sees.
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub struct Proxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Proxy {
    /// Listens on a free local port and relays every connection to `terminal`.
    pub fn start(terminal: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the relay");
        let addr = listener.local_addr().expect("relay address");
        let shared = Arc::new(Shared::default());
        let accept_shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            for till in listener.incoming().flatten() {
                relay(till, terminal, &accept_shared);
            }
        });
        Proxy { addr, shared }
    }

    /// From now on (until None) the till's acknowledgements of the results of its command
    /// `06 instr` are not passed on: the till believes it sent them, the terminal waits in vain
    /// and books nothing.
    pub fn swallow_result_acks(&self, command: Option<u8>) {
        *self.shared.swallow.lock().unwrap_or_else(|p| p.into_inner()) = command;
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where the log stands now; later calls look only at what came after.
    pub fn mark(&self) -> usize {
        self.shared.lock().messages.len()
    }

    pub fn since(&self, mark: usize) -> Vec<Message> {
        self.shared.lock().messages.get(mark..).unwrap_or_default().to_vec()
    }

    /// Waits up to `timeout` until `ready` holds for the messages since `mark`.
    pub fn wait_for(&self, mark: usize, timeout: Duration, ready: impl Fn(&[Message]) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut log = self.shared.lock();
        loop {
            if ready(log.messages.get(mark..).unwrap_or_default()) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            log = self
                .shared
                .changed
                .wait_timeout(log, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Waits until every relayed connection is closed on both sides: the terminal has seen the
    /// till go and finished (or abandoned) whatever it was doing for it.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut log = self.shared.lock();
        while log.open > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            log = self
                .shared
                .changed
                .wait_timeout(log, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        true
    }
}

fn relay(till: TcpStream, terminal: SocketAddr, shared: &Arc<Shared>) {
    let Ok(pt) = TcpStream::connect(terminal) else {
        // No terminal: the till sees its connection close, as with a dead terminal.
        let _ = till.shutdown(Shutdown::Both);
        return;
    };
    let _ = (till.set_nodelay(true), pt.set_nodelay(true));
    let (Ok(till_in), Ok(pt_in)) = (till.try_clone(), pt.try_clone()) else {
        return;
    };
    shared.lock().open += 1;
    let done = Arc::new(Mutex::new(0u8));
    for (from, to, dir) in [(till_in, pt, Dir::ToTerminal), (pt_in, till, Dir::ToTill)] {
        let (shared, done) = (Arc::clone(shared), Arc::clone(&done));
        std::thread::spawn(move || {
            pump(from, to, dir, &shared);
            let mut ended = done.lock().unwrap_or_else(|p| p.into_inner());
            *ended += 1;
            if *ended == 2 {
                shared.lock().open -= 1;
                shared.changed.notify_all();
            }
        });
    }
}

/// Copies `from` to `to` APDU by APDU until either side fails, noting each one once it was
/// passed on (or dropped); then closes `to` for writing so its reader sees the end too.
fn pump(mut from: TcpStream, mut to: TcpStream, dir: Dir, shared: &Shared) {
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    'relay: loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        pending.extend_from_slice(buf.get(..n).unwrap_or_default());
        while let Some(len) = Apdu::total_len(&pending).filter(|len| *len <= pending.len()) {
            let apdu: Vec<u8> = pending.drain(..len).collect();
            let (class, instr) = (apdu[0], apdu[1]);
            let swallow = *shared.swallow.lock().unwrap_or_else(|p| p.into_inner());
            let dropped = dir == Dir::ToTerminal
                && (class, instr) == (0x80, 0x00)
                && swallow.is_some_and(|command| answers_result_of(&shared.lock().messages, command));
            if !dropped && to.write_all(&apdu).is_err() {
                break 'relay;
            }
            let at = Instant::now();
            shared.lock().messages.push(Message {
                at,
                dir,
                class,
                instr,
                dropped,
            });
            shared.changed.notify_all();
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    let _ = from.shutdown(Shutdown::Read);
}

/// Whether an acknowledgement sent now answers a result (04 0F) of the command `06 command`.
fn answers_result_of(messages: &[Message], command: u8) -> bool {
    let last_to_till = messages.iter().rev().find(|m| m.dir == Dir::ToTill);
    let last_command = messages
        .iter()
        .rev()
        .find(|m| m.dir == Dir::ToTerminal && m.class == 0x06);
    last_to_till.is_some_and(|m| m.is(Dir::ToTill, 0x04, 0x0F)) && last_command.is_some_and(|m| m.instr == command)
}

/// The index of the terminal's first result (04 0F) after the till's command `06 instr`.
pub fn result_after(messages: &[Message], instr: u8) -> Option<usize> {
    let command = messages.iter().position(|m| m.is(Dir::ToTerminal, 0x06, instr))?;
    messages
        .iter()
        .enumerate()
        .skip(command + 1)
        .find(|(_, m)| m.is(Dir::ToTill, 0x04, 0x0F))
        .map(|(i, _)| i)
}

/// Whether the till's next message after message `index` was its acknowledgement (80 00).
pub fn acknowledged(messages: &[Message], index: usize) -> bool {
    messages
        .iter()
        .skip(index + 1)
        .find(|m| m.dir == Dir::ToTerminal)
        .is_some_and(|m| m.is(Dir::ToTerminal, 0x80, 0x00) && !m.dropped)
}
