//! Corrupted frames between a till and its terminal: a line in the middle (two pseudo-terminals
//! and a pump each way) re-frames every frame it carries and spoils the CRC of the ones its
//! noise picks, so the receiving link NAKs them just as it would on a noisy cable.

use crate::in_process::{booked, folder, sell, settle_matches, simulator, terminal, till};
use serialport::{SerialPort, TTYPort};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::time::Duration;
use tillguard::store::CardState;
use tillguard::terminal::simulator::SimFaults;
use tillguard::terminal::zvt::frame::{ACK, FrameDecoder, FrameEvent, NAK, encode_frame};
use tillguard::till::TillError;

const CLEAN: u8 = 0;
/// The first copy of every frame, both ways, arrives spoiled; its repeat is clean.
const FIRST_COPY: u8 = 1;
/// Every copy of the terminal's result (04 0F) arrives spoiled.
const EVERY_RESULT: u8 = 2;

/// The line between till and terminal, with its noise setting; stops its pumps when dropped.
struct NoisyLine {
    noise: Arc<AtomicU8>,
    spoiled: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    pumps: Vec<std::thread::JoinHandle<()>>,
}

impl Drop for NoisyLine {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for p in self.pumps.drain(..) {
            let _ = p.join();
        }
    }
}

/// Puts a noisy line in front of the terminal's port; returns it and the till's end.
fn noisy_line(terminal_end: Box<dyn SerialPort>) -> (NoisyLine, Box<dyn SerialPort>) {
    let (near, far) = TTYPort::pair().expect("pty pair");
    let mut line = NoisyLine {
        noise: Arc::new(AtomicU8::new(CLEAN)),
        spoiled: Arc::new(AtomicUsize::new(0)),
        stop: Arc::new(AtomicBool::new(false)),
        pumps: Vec::new(),
    };
    let till_side: Box<dyn SerialPort> = Box::new(near);
    let till_side2 = till_side.try_clone().expect("clone");
    let terminal_side2 = terminal_end.try_clone().expect("clone");
    for (from, to, from_terminal) in [(till_side, terminal_side2, false), (terminal_end, till_side2, true)] {
        let (noise, spoiled, stop) = (line.noise.clone(), line.spoiled.clone(), line.stop.clone());
        line.pumps.push(std::thread::spawn(move || {
            pump(from, to, from_terminal, &noise, &spoiled, &stop)
        }));
    }
    (line, Box::new(far))
}

/// Carries bytes one way: ACK/NAK as they are, frames re-encoded once whole, spoiled by the noise.
fn pump(
    mut from: Box<dyn SerialPort>,
    mut to: Box<dyn SerialPort>,
    from_terminal: bool,
    noise: &AtomicU8,
    spoiled: &AtomicUsize,
    stop: &AtomicBool,
) {
    from.set_timeout(Duration::from_millis(5)).expect("timeout");
    let mut decoder = FrameDecoder::new();
    // The last frame spoiled: an identical frame next is its repeat.
    let mut last_spoiled: Option<Vec<u8>> = None;
    let mut buf = [0u8; 512];
    while !stop.load(Ordering::SeqCst) {
        let n = match from.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
            Err(_) => return,
        };
        for &b in &buf[..n] {
            if !decoder.in_frame() && (b == ACK || b == NAK) {
                if to.write_all(&[b]).is_err() {
                    return;
                }
                continue;
            }
            let Some(FrameEvent::Frame(apdu)) = decoder.push(b) else {
                continue;
            };
            let spoil = match noise.load(Ordering::SeqCst) {
                FIRST_COPY => last_spoiled.as_ref() != Some(&apdu),
                EVERY_RESULT => from_terminal && apdu.starts_with(&[0x04, 0x0F]),
                _ => false,
            };
            let mut frame = encode_frame(&apdu);
            if spoil {
                *frame.last_mut().expect("a frame has a CRC") ^= 0x5A;
                spoiled.fetch_add(1, Ordering::SeqCst);
                last_spoiled = Some(apdu);
            } else {
                last_spoiled = None;
            }
            if to.write_all(&frame).is_err() {
                return;
            }
        }
    }
}

#[test]
fn a_noisy_line_costs_repeats_but_the_payment_goes_through_once() {
    let (dir, state) = folder();
    let mut till = till(dir.path());
    let (_sim, port) = simulator(&state, SimFaults::default());
    let (line, till_end) = noisy_line(port);
    line.noise.store(FIRST_COPY, Ordering::SeqCst);
    let mut terminal = terminal(till_end);
    let sale = sell(&mut till, &mut terminal, "FOD-002").expect("the sale goes through");
    let spoiled = line.spoiled.load(Ordering::SeqCst);
    eprintln!("{spoiled} frames spoiled and repeated");
    assert!(spoiled >= 6, "both ways, every message: {spoiled}");
    let card = sale.draft.payments[0].card.clone().expect("card details");
    assert!(card.receipt_no.is_some() && card.trace.is_some(), "{card:?}");
    assert_eq!(booked(&state), [1280], "booked once");
    assert_eq!(till.status().expect("status").card_in_doubt.count, 0);
    settle_matches(&mut till, &mut terminal, 1280);
}

#[test]
fn a_result_that_never_arrives_intact_is_not_booked_and_recovery_says_so() {
    let (dir, state) = folder();
    let mut till = till(dir.path());
    let (_sim, port) = simulator(&state, SimFaults::default());
    let (line, till_end) = noisy_line(port);
    let mut terminal = terminal(till_end);
    sell(&mut till, &mut terminal, "COLA").expect("clean sale");

    line.noise.store(EVERY_RESULT, Ordering::SeqCst);
    let err = sell(&mut till, &mut terminal, "FOD-002").expect_err("the result never got through");
    assert!(matches!(err, TillError::Card { in_doubt: true, .. }), "{err:?}");
    // Three copies (one try and two repeats), each refused by the till's link.
    assert_eq!(line.spoiled.load(Ordering::SeqCst), 3);
    assert_eq!(
        booked(&state),
        [350],
        "the terminal books nothing it did not hear acknowledged"
    );
    let status = till.status().expect("status");
    assert_eq!((status.sales_count, status.card_in_doubt.count), (1, 1));
    let id = status.card_in_doubt.ids[0];

    line.noise.store(CLEAN, Ordering::SeqCst);
    sell(&mut till, &mut terminal, "COLA").expect("the next sale");
    let row = till.store().card(id).expect("read").expect("row");
    assert_eq!(row.state, CardState::Declined, "{row:?}");
    assert_eq!(booked(&state), [350, 350]);
    assert_eq!(till.status().expect("status").sales_count, 2);
    settle_matches(&mut till, &mut terminal, 700);
}
