//! Card terminal speed: one ZVT authorization against the built-in simulator over a
//! pseudo-terminal pair (no baud-rate delay, so the wall time is our processing on both sides
//! plus pty scheduling), the same through the till with its durable journal, and the pure
//! codec work of one exchange without any I/O.
//!
//! Ids: `zvt/authorization_exchange_pty`, `zvt/authorization_exchange_channel`,
//! `zvt/simulator_handle_authorization`, `zvt/frame_roundtrip`, `zvt/decode_status_information`,
//! `till/pay_card_pty`, `till/pay_card_pty_memory_ledger`, `till/pay_card_instant_terminal`,
//! `till/pay_card_instant_memory_ledger`. Before each of the pty and till benchmarks a short
//! run of single calls prints p50/p90/p99/max, to show any fixed poll delay; at the end
//! single payments against a ledger of 0-4,000 earlier card sales show how it grows.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tillguard::clock::{Clock, SystemClock};
use tillguard::money::{Currency, Money};
use tillguard::sale::Cart;
use tillguard::terminal::connect::SIMULATOR_NAME;
use tillguard::terminal::session::{Accept, Exchange, Observer, Session, SessionError};
use tillguard::terminal::simulator::{self, SimConfig, Simulator};
use tillguard::terminal::zvt::apdu::Apdu;
use tillguard::terminal::zvt::frame::{FrameDecoder, FrameEvent, encode_frame};
use tillguard::terminal::zvt::link::{Link, LinkError};
use tillguard::terminal::zvt::messages::{Completion, EcrCommand, PtMessage, StatusInformation};
use tillguard::terminal::zvt::serial::SerialLink;
use tillguard::terminal::zvt_terminal::{REGISTRATION_CONFIG, ZvtTerminal};
use tillguard::terminal::{CardTerminal, TerminalInfo};
use tillguard::till::card::CardTender;
use tillguard::till::{Paths, Till};

/// 25.50: below the simulator's PIN threshold and not ending in .13 (its "declined" cents),
/// so every exchange is the common approved one.
const AMOUNT_MINOR: u64 = 2550;
/// The demo configuration's terminal password (and the simulator's default).
const PASSWORD: u32 = 123_456;

fn currency() -> Currency {
    Currency::CNY
}

/// The simulator as `connect` configures it for the demo, except that its batch stays in
/// memory: the JSON state file grows with every booking and would make later iterations
/// slower than earlier ones (a real terminal keeps its batch to itself).
fn sim_config() -> SimConfig {
    SimConfig {
        currency: currency().numeric,
        password: PASSWORD,
        state_file: None,
        ..SimConfig::default()
    }
}

fn clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

/// A simulated terminal in its own thread; dropping this stops and joins it.
struct Simulated {
    terminal: ZvtTerminal,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Simulated {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The app's demo path: the simulator on one end of a pty pair, the real serial code
/// (`SerialLink` over `TTYPort`) on the other, registered once.
fn over_pty() -> Simulated {
    let (port, _pty, thread, stop) = simulator::spawn_pty_pair(sim_config(), clock()).expect("simulator on a pty");
    // Named as `connect` names it: the card journal looks a terminal's rows up by this name.
    let session = Session::new(Box::new(SerialLink::from_port(port, SIMULATOR_NAME.to_string())));
    let mut sim = Simulated {
        terminal: ZvtTerminal::new(session, PASSWORD, currency().numeric),
        stop,
        thread: Some(thread),
    };
    sim.terminal.register().expect("registration");
    sim
}

/// An in-memory link: whole APDUs through channels, no framing, no tty.
struct ChannelLink {
    out: Sender<Vec<u8>>,
    inbox: Receiver<Vec<u8>>,
}

impl Link for ChannelLink {
    fn send(&mut self, apdu: &[u8]) -> Result<(), LinkError> {
        self.out.send(apdu.to_vec()).map_err(|_| LinkError::Closed)
    }

    fn receive(&mut self, timeout: Duration) -> Result<Option<Vec<u8>>, LinkError> {
        match self.inbox.recv_timeout(timeout) {
            Ok(apdu) => Ok(Some(apdu)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(LinkError::Closed),
        }
    }

    fn describe(&self) -> String {
        "in-memory channel".to_string()
    }
}

/// The same session and simulator state machines with the serial framing and the pty
/// taken out: what is left is the protocol logic plus two threads handing messages over.
fn over_channel() -> Simulated {
    let (to_pt, pt_inbox) = channel();
    let (to_ecr, ecr_inbox) = channel();
    let mut pt_link = ChannelLink {
        out: to_ecr,
        inbox: pt_inbox,
    };
    let ecr_link = ChannelLink {
        out: to_pt,
        inbox: ecr_inbox,
    };
    let mut sim = Simulator::new(sim_config(), clock()).expect("simulator");
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = Arc::clone(&stop);
    let thread = std::thread::spawn(move || {
        simulator::serve(&mut pt_link, &mut sim, &thread_stop).expect("simulator serves");
    });
    let mut sim = Simulated {
        terminal: ZvtTerminal::new(Session::new(Box::new(ecr_link)), PASSWORD, currency().numeric),
        stop,
        thread: Some(thread),
    };
    sim.terminal.register().expect("registration");
    sim
}

fn authorize_once(terminal: &mut ZvtTerminal, amount: Money) {
    let exchange = terminal
        .authorize(amount, &mut Accept, &AtomicBool::new(false))
        .expect("authorization exchange");
    let status = exchange.last_status().expect("a Status-Information");
    assert_eq!(status.result_code, Some(0), "approved");
    black_box(exchange);
}

/// What an APDU of the exchange is, and so how its receiver reads it.
#[derive(Clone, Copy)]
enum Sent {
    /// The ECR's command: the PT decodes it as an `EcrCommand`.
    Command,
    /// A PT message: the session decodes it as a `PtMessage`.
    Reply,
    /// The ECR's 80 00 00: the simulator only matches its first bytes.
    Ack,
}

/// Every APDU of one approved authorization, in wire order, as the simulator produces it:
/// the ECR's 06 01, the PT's 80 00, then each PT message followed by the ECR's 80 00 00.
fn captured_exchange() -> Vec<(Sent, Vec<u8>)> {
    let mut sim = Simulator::new(sim_config(), clock()).expect("simulator");
    let registration = EcrCommand::Registration {
        password: PASSWORD,
        config: REGISTRATION_CONFIG,
        currency: Some(currency().numeric),
        service: None,
    };
    sim.handle(&registration);
    let command = EcrCommand::Authorization {
        amount_minor: AMOUNT_MINOR,
        currency: Some(currency().numeric),
        payment_type: None,
    };
    let replies = sim.handle(&command);
    assert!(
        replies.iter().any(|m| matches!(m, PtMessage::StatusInformation(_))),
        "approved: {replies:?}"
    );
    let ack = PtMessage::Ack.to_apdu().encode();
    let mut apdus = vec![(Sent::Command, command.to_apdu().encode())];
    for (i, reply) in replies.iter().enumerate() {
        apdus.push((Sent::Reply, reply.to_apdu().encode()));
        if i > 0 {
            apdus.push((Sent::Ack, ack.clone()));
        }
    }
    apdus
}

/// Frames an APDU, pushes the frame through a decoder byte by byte (as the serial link
/// does), decodes the APDU and the message its receiver reads.
fn frame_roundtrip(decoder: &mut FrameDecoder, sent: Sent, apdu: &[u8]) {
    let frame = encode_frame(apdu);
    let mut unframed = None;
    for &b in &frame {
        if let Some(event) = decoder.push(b) {
            unframed = Some(event);
        }
    }
    let Some(FrameEvent::Frame(bytes)) = unframed else {
        panic!("frame did not decode: {unframed:?}");
    };
    let (decoded, _) = Apdu::decode(&bytes).expect("APDU decodes");
    match sent {
        Sent::Command => {
            black_box(EcrCommand::from_apdu(&decoded).expect("command decodes"));
        }
        Sent::Reply => {
            black_box(PtMessage::from_apdu(&decoded).expect("message decodes"));
        }
        Sent::Ack => {
            black_box(decoded);
        }
    }
}

/// CPU time used so far by every thread of this process (the simulator's too), from
/// /proc/self/task/*/schedstat (nanoseconds on CPU); None where that does not exist.
fn process_cpu_time() -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let text = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += text.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

/// Times `n` single runs and prints their spread: a fixed poll or sleep in the I/O path would
/// show as a p99/max near its period (the serial link polls in 20 ms slices, the session and
/// the simulator in 200 ms ones) even when the median hides it. Also prints the CPU time both
/// sides used per run: the processing, without the waits for a thread to be woken.
fn spread(name: &str, n: usize, mut run: impl FnMut()) {
    let cpu_before = process_cpu_time();
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    let cpu = cpu_before
        .zip(process_cpu_time())
        .map(|(before, after)| format!("{:?}", after.saturating_sub(before) / n as u32))
        .unwrap_or_else(|| "unknown".to_string());
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    eprintln!(
        "{name}: {n} single runs: p50 {:?}, p90 {:?}, p99 {:?}, max {:?}; CPU per run (all threads) {cpu}",
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}

fn golden(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/zvt").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn zvt(c: &mut Criterion) {
    let amount = Money::from_minor(AMOUNT_MINOR as i64, currency());
    let mut group = c.benchmark_group("zvt");
    // 100 samples of a ~1-5 ms exchange do not fit criterion's default 5 s.
    group.measurement_time(Duration::from_secs(10));

    let mut pty = over_pty();
    spread("zvt/authorization_exchange_pty", 300, || {
        authorize_once(&mut pty.terminal, amount)
    });
    group.bench_function("authorization_exchange_pty", |b| {
        b.iter(|| authorize_once(&mut pty.terminal, amount))
    });
    drop(pty);

    let mut chan = over_channel();
    group.bench_function("authorization_exchange_channel", |b| {
        b.iter(|| authorize_once(&mut chan.terminal, amount))
    });
    drop(chan);

    // The PT's side of the protocol logic: one authorization command to its reply list (the
    // booking it announces is dropped by the next command, so the batch does not grow).
    let mut sim = Simulator::new(sim_config(), clock()).expect("simulator");
    sim.handle(&EcrCommand::Registration {
        password: PASSWORD,
        config: REGISTRATION_CONFIG,
        currency: Some(currency().numeric),
        service: None,
    });
    let authorization = EcrCommand::Authorization {
        amount_minor: AMOUNT_MINOR,
        currency: Some(currency().numeric),
        payment_type: None,
    };
    group.bench_function("simulator_handle_authorization", |b| {
        b.iter(|| black_box(sim.handle(black_box(&authorization))))
    });

    let exchange = captured_exchange();
    let mut decoder = FrameDecoder::new();
    group.bench_function("frame_roundtrip", |b| {
        b.iter(|| {
            for (sent, apdu) in &exchange {
                frame_roundtrip(&mut decoder, *sent, black_box(apdu));
            }
        })
    });

    let status = golden("authorization_status_04_0f.pt.bin");
    group.bench_function("decode_status_information", |b| {
        b.iter(|| {
            let (apdu, _) = Apdu::decode(black_box(&status)).expect("APDU");
            match PtMessage::from_apdu(&apdu).expect("message") {
                PtMessage::StatusInformation(info) => black_box(info),
                other => panic!("not a Status-Information: {other:?}"),
            }
        })
    });
    group.finish();

    let frames = exchange.len();
    let bytes: usize = exchange.iter().map(|(_, a)| encode_frame(a).len()).sum();
    eprintln!("one authorization exchange: {frames} frames, {bytes} framed bytes (plus one 06 per frame)");
}

/// A terminal that approves at once, without any I/O: with it `pay_card` measures only the
/// till's own work (journal, ledger, sale).
struct InstantTerminal {
    trace: u32,
}

impl CardTerminal for InstantTerminal {
    fn describe(&self) -> String {
        "instant terminal".to_string()
    }

    fn register(&mut self) -> Result<TerminalInfo, SessionError> {
        Ok(TerminalInfo::default())
    }

    fn authorize(
        &mut self,
        amount: Money,
        observer: &mut dyn Observer,
        _cancel: &AtomicBool,
    ) -> Result<Exchange, SessionError> {
        self.trace = self.trace % 999_999 + 1;
        // What the simulator's Status-Information carries, so the journal writes the same fields.
        let info = StatusInformation {
            result_code: Some(0x00),
            amount_minor: u64::try_from(amount.minor()).ok(),
            trace: Some(self.trace),
            receipt_no: Some(self.trace % 9_999 + 1),
            terminal_id: Some(52_52_35_35),
            currency: Some(currency().numeric),
            time: Some("12:00:00".to_string()),
            date: Some("11-26".to_string()),
            card_type: Some(6),
            card_name: Some("Mastercard".to_string()),
            pan: Some("545454******9153".to_string()),
            ..StatusInformation::default()
        };
        if let Err(reason) = observer.status_information(&info) {
            panic!("the till refused to journal the result: {reason}");
        }
        Ok(Exchange {
            status: vec![info],
            completion: Some(Completion::default()),
            ..Exchange::default()
        })
    }

    fn reverse(&mut self, _: u32, _: &mut dyn Observer, _: &AtomicBool) -> Result<Exchange, SessionError> {
        Err(SessionError::Refused { code: 0x83 })
    }

    fn refund(&mut self, _: Money, _: &mut dyn Observer, _: &AtomicBool) -> Result<Exchange, SessionError> {
        Err(SessionError::Refused { code: 0x83 })
    }

    fn end_of_day(&mut self, _: &mut dyn Observer) -> Result<Exchange, SessionError> {
        Err(SessionError::Refused { code: 0x83 })
    }

    fn turnover_totals(&mut self, _: &mut dyn Observer) -> Result<Exchange, SessionError> {
        Err(SessionError::Refused { code: 0x83 })
    }

    fn status(&mut self, _: &mut dyn Observer) -> Result<TerminalInfo, SessionError> {
        Ok(TerminalInfo::default())
    }

    fn last_transaction(&mut self, _: &mut dyn Observer) -> Result<Exchange, SessionError> {
        Err(SessionError::Refused { code: 0x83 })
    }

    fn abort(&mut self) -> Result<(), SessionError> {
        Ok(())
    }

    fn log_off(&mut self) -> Result<(), SessionError> {
        Ok(())
    }
}

/// Where a benchmark till keeps its ledger.
#[derive(Clone, Copy)]
enum Ledger {
    /// The app's ledger: `Till::open` -> `Store::open` (WAL, synchronous=FULL) in a data
    /// folder on disk; no config file there, so the demo configuration and catalog.
    Disk,
    /// The same on a private in-memory ledger: no fsyncs.
    Memory,
}

/// A demo till with a one-item cart; its data folder lives as long as it does.
struct BenchTill {
    till: Till,
    cart: Cart,
    _dir: Option<tempfile::TempDir>,
}

impl Ledger {
    fn open(self) -> BenchTill {
        let (till, dir) = match self {
            Ledger::Disk => {
                let dir = tempfile::tempdir().expect("tempdir");
                let paths = Paths {
                    data_dir: dir.path().to_path_buf(),
                    config_file: dir.path().join("tillguard.toml"),
                };
                (Till::open(&paths, clock()).expect("demo till"), Some(dir))
            }
            Ledger::Memory => (Till::open_demo_in_memory(clock()).expect("demo till"), None),
        };
        assert!(till.is_demo());
        assert_eq!(till.currency(), currency());
        let mut cart = till.new_cart();
        till.scan(&mut cart, "2000000010106").expect("cola");
        BenchTill { till, cart, _dir: dir }
    }
}

/// Card sales one ledger takes before the benchmark continues on a fresh one: the card
/// journal's checks slow down as it grows (see `growth`), and the median should not depend
/// on how many iterations criterion happens to run.
const FRESH_EVERY: u32 = 500;

fn pay(t: &mut BenchTill, terminal: &mut dyn CardTerminal) {
    let sale = t
        .till
        .pay_card(
            &t.cart,
            CardTender::default(),
            terminal,
            &AtomicBool::new(false),
            &mut |_| {},
        )
        .expect("card sale");
    black_box(sale);
    assert!(t.till.take_recovery().is_none(), "no recovery ran before the sale");
}

fn pay_card_bench(c: &mut Criterion, id: &str, ledger: Ledger, terminal: &mut dyn CardTerminal) {
    let mut t = ledger.open();
    spread(&format!("till/{id}"), 100, || pay(&mut t, terminal));
    let mut sales = FRESH_EVERY;
    let mut group = c.benchmark_group("till");
    group.sample_size(50);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function(id, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                if sales >= FRESH_EVERY {
                    t = ledger.open();
                    sales = 0;
                }
                let start = Instant::now();
                pay(&mut t, terminal);
                total += start.elapsed();
                sales += 1;
            }
            total
        })
    });
    group.finish();
}

/// How a payment's cost grows with the card payments already in the ledger: the instant
/// terminal on an in-memory ledger, so only the till's own work counts; and the two checks
/// that read more rows as the ledger grows.
fn growth() {
    let mut terminal = InstantTerminal { trace: 0 };
    let mut t = Ledger::Memory.open();
    let mut sales = 0;
    for at in [0, 1_000, 2_000, 4_000] {
        while sales < at {
            pay(&mut t, &mut terminal);
            sales += 1;
        }
        spread(
            &format!("till/pay_card_instant_memory_ledger after {at} card sales"),
            100,
            || pay(&mut t, &mut terminal),
        );
        sales += 100;
        // The check every card transaction starts with (are earlier ones unresolved?).
        let name = terminal.describe();
        spread(&format!("  of which Store::card_recovery_due after {at}"), 100, || {
            black_box(t.till.store().card_recovery_due(&name).expect("query"));
        });
        // The settlement guard asked before every sale; it reads the unsettled batch, which
        // here holds every sale (a shop settles daily).
        spread(&format!("  and Till::guard after {at} (batch unsettled)"), 100, || {
            black_box(t.till.guard(false).expect("guard"));
        });
    }
}

fn till(c: &mut Criterion) {
    let mut pty = over_pty();
    pay_card_bench(c, "pay_card_pty", Ledger::Disk, &mut pty.terminal);
    // Without the fsyncs.
    pay_card_bench(c, "pay_card_pty_memory_ledger", Ledger::Memory, &mut pty.terminal);
    drop(pty);
    // Without the terminal exchange; then without both: what is left is the till's own work.
    let mut instant = InstantTerminal { trace: 0 };
    pay_card_bench(c, "pay_card_instant_terminal", Ledger::Disk, &mut instant);
    pay_card_bench(c, "pay_card_instant_memory_ledger", Ledger::Memory, &mut instant);
    growth();
}

criterion_group!(benches, zvt, till);
criterion_main!(benches);
