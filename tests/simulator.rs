//! The simulated ZVT terminal: protocol replies (`handle`), booking on acknowledgement,
//! totals, persistence, auto-clear, the served master-rights handshake, and one end-to-end
//! run over a pseudo-terminal pair with the real serial link on both ends.

use jiff::civil::time;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;
use tillguard::clock::ManualClock;
use tillguard::terminal::simulator::{Kind, RC_DECLINED, Scheme, SimConfig, SimError, SimFaults, Simulator, serve};
use tillguard::terminal::zvt::apdu::Apdu;
use tillguard::terminal::zvt::link::{Link, LinkError};
use tillguard::terminal::zvt::messages::{CardScheme, EcrCommand, PtMessage, StatusInformation};

const PASSWORD: u32 = 123_456;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(at("2026-03-10T14:02:11Z")))
}

fn config(state_file: Option<&Path>) -> SimConfig {
    SimConfig {
        state_file: state_file.map(Path::to_path_buf),
        time_zone: TimeZone::get("Asia/Shanghai").unwrap(),
        ..SimConfig::default()
    }
}

fn sim(clock: &Arc<ManualClock>, state_file: Option<&Path>) -> Simulator {
    Simulator::new(config(state_file), clock.clone()).unwrap()
}

fn pay(amount_minor: u64) -> EcrCommand {
    EcrCommand::Authorization {
        amount_minor,
        currency: Some(978),
        payment_type: None,
    }
}

fn status_of(replies: &[PtMessage]) -> Vec<StatusInformation> {
    replies
        .iter()
        .filter_map(|m| match m {
            PtMessage::StatusInformation(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// Runs a command and acknowledges its Status-Information, as a well-behaved ECR does.
fn run(sim: &mut Simulator, cmd: &EcrCommand) -> Vec<PtMessage> {
    let replies = sim.handle(cmd);
    if replies.iter().any(|m| matches!(m, PtMessage::StatusInformation(_))) {
        sim.confirm_status().unwrap();
    }
    replies
}

#[test]
fn authorization_sends_the_sequence_and_books_only_on_the_acknowledgement() {
    let clock = clock();
    let mut sim = sim(&clock, None);
    let replies = sim.handle(&pay(12_345));
    assert_eq!(replies.first(), Some(&PtMessage::Ack));
    let intermediates: Vec<u8> = replies
        .iter()
        .filter_map(|m| match m {
            PtMessage::IntermediateStatus { code, .. } => Some(*code),
            _ => None,
        })
        .collect();
    // Insert card, PIN (above 100.00), waiting for host.
    assert_eq!(intermediates, [0x0A, 0x01, 0x04]);
    let status = status_of(&replies);
    assert_eq!(status.len(), 1);
    let s = &status[0];
    assert_eq!(s.result_code, Some(0x00));
    assert_eq!(s.amount_minor, Some(12_345));
    assert_eq!(s.trace, Some(1));
    assert_eq!(s.receipt_no, Some(1));
    assert_eq!(s.turnover_no, Some(1));
    assert_eq!(s.time.as_deref(), Some("22:02:11"));
    assert_eq!(s.date.as_deref(), Some("03-10"));
    assert_eq!(s.pan.as_deref(), Some("545454******9153"));
    assert_eq!(s.card_type, Some(0x06));
    assert_eq!(s.card_name.as_deref(), Some("Mastercard"));
    assert_eq!(s.terminal_id, Some(52_52_35_35));
    assert_eq!(s.currency, Some(978));
    assert_eq!(s.expiry.as_deref(), Some("2902"));
    assert_eq!(s.aid.as_deref(), Some("604729"));
    assert!(s.vu_number.is_some() && s.card_sequence.is_some() && s.payment_type.is_some());
    // After the 04 0F: the slip as print lines (the default registration), then Completion.
    let position = replies
        .iter()
        .position(|m| matches!(m, PtMessage::StatusInformation(_)))
        .unwrap();
    let lines: Vec<&String> = replies[position + 1..]
        .iter()
        .filter_map(|m| match m {
            PtMessage::PrintLine { text, .. } => Some(text),
            _ => None,
        })
        .collect();
    assert!(lines.iter().any(|l| l.contains("545454******9153")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("EUR 123.45")), "{lines:?}");
    assert!(matches!(replies.last(), Some(PtMessage::Completion(_))));

    // Nothing is booked until the ECR acknowledges the 04 0F.
    assert!(sim.batch().is_empty());
    assert!(sim.has_pending());
    assert!(sim.confirm_status().unwrap());
    assert_eq!(sim.batch().transactions.len(), 1);
    assert_eq!(sim.batch().transactions[0].receipt_no, 1);
    assert!(
        !sim.confirm_status().unwrap(),
        "a second acknowledgement books nothing more"
    );
}

#[test]
fn an_unacknowledged_result_is_not_booked_and_its_numbers_are_not_reused() {
    let clock = clock();
    let mut sim = sim(&clock, None);
    let first = status_of(&sim.handle(&pay(500)));
    // The ECR never acknowledged; its next command drops the result.
    let second = status_of(&run(&mut sim, &pay(700)));
    assert_eq!(sim.batch().transactions.len(), 1);
    assert_eq!(sim.batch().transactions[0].amount_minor, 700);
    assert_eq!((first[0].trace, first[0].receipt_no), (Some(1), Some(1)));
    assert_eq!((second[0].trace, second[0].receipt_no), (Some(2), Some(2)));
    // abandon() is what serve calls on a T3 timeout.
    sim.handle(&pay(900));
    sim.abandon();
    assert!(!sim.confirm_status().unwrap());
    assert_eq!(sim.batch().transactions.len(), 1);
}

#[test]
fn a_declined_amount_aborts_with_05_and_books_nothing() {
    let clock = clock();
    let mut sim = sim(&clock, None);
    let replies = sim.handle(&pay(1013));
    assert_eq!(replies.first(), Some(&PtMessage::Ack));
    assert_eq!(
        replies.last(),
        Some(&PtMessage::Abort {
            result_code: RC_DECLINED
        })
    );
    assert_eq!(RC_DECLINED, 0x05);
    assert!(status_of(&replies).is_empty());
    assert!(replies.contains(&PtMessage::IntermediateStatus {
        code: 0x1D,
        timeout_minutes: None
    }));
    assert!(!sim.confirm_status().unwrap());
    assert!(sim.batch().is_empty());
    // The decline used trace 1; the next payment gets trace 2 and receipt 1.
    let s = status_of(&run(&mut sim, &pay(1000)));
    assert_eq!((s[0].trace, s[0].receipt_no), (Some(2), Some(1)));

    let no_declines = SimConfig {
        faults: SimFaults {
            decline_cents: None,
            ..SimFaults::default()
        },
        ..config(None)
    };
    let mut lenient = Simulator::new(no_declines, clock.clone()).unwrap();
    assert_eq!(status_of(&run(&mut lenient, &pay(1013)))[0].result_code, Some(0));
}

#[test]
fn bad_requests_are_refused_with_named_codes() {
    let clock = clock();
    let mut sim = sim(&clock, None);
    let abort = |code| vec![PtMessage::Ack, PtMessage::Abort { result_code: code }];
    assert_eq!(
        sim.handle(&EcrCommand::Authorization {
            amount_minor: 100,
            currency: Some(156),
            payment_type: None
        }),
        abort(0x6F)
    );
    assert_eq!(sim.handle(&pay(0)), abort(0xC8));
    assert_eq!(sim.handle(&pay(10_000_000)), abort(0xC3));
    assert_eq!(sim.handle(&EcrCommand::EndOfDay { password: 111_111 }), abort(0x83));
    assert_eq!(
        sim.handle(&EcrCommand::RepeatReceipt { password: PASSWORD }),
        abort(0x83)
    );
    assert_eq!(sim.handle(&EcrCommand::LogOff), vec![PtMessage::Ack]);
    assert_eq!(sim.handle(&EcrCommand::Abort), vec![PtMessage::Nak { code: 0x83 }]);
    assert_eq!(
        sim.handle(&EcrCommand::Other(Apdu::new(0x06, 0x25, vec![]))),
        vec![PtMessage::Nak { code: 0x83 }]
    );
}

#[test]
fn registration_and_status_enquiry_complete_with_the_terminal_data() {
    let clock = clock();
    let mut sim = sim(&clock, None);
    let replies = sim.handle(&EcrCommand::Registration {
        password: PASSWORD,
        config: 0xBA,
        currency: Some(978),
        service: None,
    });
    assert_eq!(replies.len(), 2);
    let PtMessage::Completion(c) = &replies[1] else {
        panic!("{replies:?}")
    };
    assert_eq!(
        (c.terminal_id, c.currency, c.status_byte),
        (Some(52_52_35_35), Some(978), Some(0))
    );
    assert_eq!(sim.state().ecr_config, 0xBA);
    let wrong = sim.handle(&EcrCommand::Registration {
        password: 1,
        config: 0xBA,
        currency: None,
        service: None,
    });
    assert_eq!(wrong.last(), Some(&PtMessage::Abort { result_code: 0x83 }));

    let replies = sim.handle(&EcrCommand::StatusEnquiry {
        password: Some(PASSWORD),
        service: None,
    });
    let PtMessage::Completion(c) = &replies[1] else {
        panic!("{replies:?}")
    };
    assert_eq!(c.terminal_status, Some(0x00));
    assert!(c.sw_version.as_deref().is_some_and(|v| v.starts_with("TILLGUARD-SIM")));
}

#[test]
fn registration_config_decides_intermediate_status_and_receipt_form() {
    let clock = clock();
    let mut sim = sim(&clock, None);
    // No intermediate status (08 clear), ECR prints (02), not as lines (80 clear): a text block.
    sim.handle(&EcrCommand::Registration {
        password: PASSWORD,
        config: 0x02,
        currency: None,
        service: None,
    });
    let replies = run(&mut sim, &pay(100));
    assert!(
        !replies
            .iter()
            .any(|m| matches!(m, PtMessage::IntermediateStatus { .. }))
    );
    assert!(
        replies
            .iter()
            .any(|m| matches!(m, PtMessage::PrintTextBlock { lines } if lines.len() > 5))
    );
    // The PT prints itself (02 clear): no print messages at all.
    sim.handle(&EcrCommand::Registration {
        password: PASSWORD,
        config: 0x00,
        currency: None,
        service: None,
    });
    let replies = run(&mut sim, &pay(100));
    assert_eq!(replies.len(), 3, "{replies:?}");
}

#[test]
fn reversal_marks_the_payment_and_refuses_unknown_or_repeated_receipts() {
    let clock = clock();
    let mut sim = sim(&clock, None);
    run(&mut sim, &pay(1000));
    run(&mut sim, &pay(2000));
    let reverse = |receipt_no| EcrCommand::Reversal {
        password: PASSWORD,
        receipt_no,
        amount_minor: None,
        currency: None,
    };
    let replies = run(&mut sim, &reverse(1));
    let s = &status_of(&replies)[0];
    assert_eq!(
        (s.amount_minor, s.original_trace, s.receipt_no, s.trace),
        (Some(1000), Some(1), Some(3), Some(3))
    );
    assert_eq!(s.card_type, Some(0x06), "the reversal is on the original card");
    let batch = sim.batch();
    assert!(batch.transactions[0].reversed);
    assert_eq!(batch.transactions[2].kind, Kind::Reversal);
    assert_eq!(batch.totals().total_minor, 2000);
    assert_eq!(
        sim.handle(&reverse(1)).last(),
        Some(&PtMessage::Abort { result_code: 0xB4 })
    );
    assert_eq!(
        sim.handle(&reverse(77)).last(),
        Some(&PtMessage::Abort { result_code: 0xB5 })
    );
    assert_eq!(
        sim.handle(&reverse(3)).last(),
        Some(&PtMessage::Abort { result_code: 0xB5 }),
        "a reversal record"
    );
    let wrong_amount = EcrCommand::Reversal {
        password: PASSWORD,
        receipt_no: 2,
        amount_minor: Some(1),
        currency: None,
    };
    assert_eq!(
        sim.handle(&wrong_amount).last(),
        Some(&PtMessage::Abort { result_code: 0xB5 })
    );
    // Not acknowledged: the payment stays unreversed.
    sim.handle(&reverse(2));
    sim.abandon();
    assert!(!sim.batch().transactions[1].reversed);
}

#[test]
fn end_of_day_reports_totals_per_scheme_and_clears_only_after_the_acknowledgement() {
    let clock = clock();
    let mut sim = sim(&clock, None);
    // Traces 1..4 rotate Mastercard, Visa, girocard, Mastercard.
    for amount in [1000, 250, 999, 4000] {
        run(&mut sim, &pay(amount));
    }
    run(
        &mut sim,
        &EcrCommand::Refund {
            password: PASSWORD,
            amount_minor: 300,
            currency: Some(978),
        },
    ); // trace 5: Visa
    run(
        &mut sim,
        &EcrCommand::Reversal {
            password: PASSWORD,
            receipt_no: 4,
            amount_minor: None,
            currency: None,
        },
    );

    let turnover = status_of(&run(&mut sim, &EcrCommand::SendTurnoverTotals { password: PASSWORD }));
    assert_eq!(sim.batch().transactions.len(), 6, "turnover totals do not clear");
    let replies = sim.handle(&EcrCommand::EndOfDay { password: PASSWORD });
    assert_eq!(
        replies[1],
        PtMessage::IntermediateStatus {
            code: 0x17,
            timeout_minutes: None
        }
    );
    let eod = status_of(&replies);
    assert_eq!(eod.len(), 1);
    let s = &eod[0];
    assert_eq!(s.result_code, Some(0));
    assert_eq!(s.trace, Some(7));
    // 10.00 + 2.50 + 9.99 - 3.00 (refund); the reversed 40.00 counts nowhere.
    assert_eq!(s.amount_minor, Some(1949));
    let totals = s.totals.as_ref().unwrap();
    assert_eq!((totals.receipt_start, totals.receipt_end), (1, 6));
    let of = |scheme| {
        totals
            .per_card
            .iter()
            .find(|t| t.card == scheme)
            .map(|t| (t.count, t.amount_minor))
    };
    assert_eq!(of(CardScheme::Mastercard), Some((1, 1000)));
    assert_eq!(
        of(CardScheme::Visa),
        Some((2, 0)),
        "250 paid, 300 refunded: BCD cannot go below zero"
    );
    assert_eq!(of(CardScheme::Girocard), Some((1, 999)));
    assert_eq!(of(CardScheme::Amex), Some((0, 0)));
    assert_eq!(turnover[0].totals, s.totals);

    assert_eq!(sim.batch().transactions.len(), 6, "cleared only on the acknowledgement");
    assert!(sim.confirm_status().unwrap());
    assert!(sim.batch().is_empty());
    assert_eq!(
        sim.state().last_settlement.as_ref().map(|s| s.totals.total_minor),
        Some(1949)
    );

    let empty = status_of(&run(&mut sim, &EcrCommand::EndOfDay { password: PASSWORD }));
    let totals = empty[0].totals.as_ref().unwrap();
    assert_eq!(empty[0].amount_minor, Some(0));
    assert_eq!((totals.receipt_start, totals.receipt_end), (0, 0));
    assert!(totals.per_card.iter().all(|t| t.count == 0 && t.amount_minor == 0));
}

#[test]
fn end_of_day_fault_answers_77() {
    let clock = clock();
    let faults = SimFaults {
        end_of_day_fails: true,
        ..SimFaults::default()
    };
    let mut sim = Simulator::new(SimConfig { faults, ..config(None) }, clock.clone()).unwrap();
    run(&mut sim, &pay(100));
    let replies = sim.handle(&EcrCommand::EndOfDay { password: PASSWORD });
    assert_eq!(replies.last(), Some(&PtMessage::Abort { result_code: 0x77 }));
    assert_eq!(sim.batch().transactions.len(), 1);
}

#[test]
fn repeat_receipt_sends_the_last_result_again_without_booking() {
    let clock = clock();
    let mut sim = sim(&clock, None);
    let original = status_of(&run(&mut sim, &pay(1234)));
    let again = status_of(&run(&mut sim, &EcrCommand::RepeatReceipt { password: PASSWORD }));
    assert_eq!(again, original);
    assert_eq!(sim.batch().transactions.len(), 1);
    // Still available after the end-of-day.
    run(&mut sim, &EcrCommand::EndOfDay { password: PASSWORD });
    assert_eq!(
        status_of(&run(&mut sim, &EcrCommand::RepeatReceipt { password: PASSWORD })),
        original
    );
}

#[test]
fn the_state_survives_a_restart_and_a_corrupt_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("simulator-terminal.json");
    let clock = clock();
    {
        let mut sim = sim(&clock, Some(&path));
        run(&mut sim, &pay(1000));
        run(&mut sim, &pay(2000));
        sim.handle(&pay(3000)); // never acknowledged
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("\"receipt_no\": 2") && text.contains("\"scheme\": \"visa\""),
        "{text}"
    );
    let mut sim = sim(&clock, Some(&path));
    assert_eq!(sim.batch().transactions.len(), 2);
    assert_eq!(sim.batch().totals().total_minor, 3000);
    // Numbers handed out before the restart are not handed out again.
    let s = status_of(&run(&mut sim, &pay(100)));
    assert_eq!((s[0].trace, s[0].receipt_no), (Some(4), Some(4)));

    std::fs::write(&path, "{\"version\": 1, \"counters\": ").unwrap();
    let err = Simulator::new(config(Some(&path)), clock.clone()).err().unwrap();
    assert!(matches!(err, SimError::StateCorrupt { .. }), "{err}");
    assert!(err.to_string().contains("simulator-terminal.json"), "{err}");
}

#[test]
fn auto_clear_loses_an_unsettled_batch_and_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.json");
    // 14:02 UTC = 22:02 in Shanghai; the terminal clears at 03:00 local (19:00 UTC).
    let clock = clock();
    let with_clear = || SimConfig {
        auto_clear: Some(time(3, 0, 0, 0)),
        ..config(Some(&path))
    };
    let mut sim = Simulator::new(with_clear(), clock.clone()).unwrap();
    run(&mut sim, &pay(1000));
    run(&mut sim, &pay(2500));
    clock.advance(SignedDuration::from_hours(4)); // 02:02 local
    assert!(sim.tick().unwrap().is_none());
    assert_eq!(sim.batch().transactions.len(), 2);
    clock.advance(SignedDuration::from_mins(58)); // 03:00 local
    let lost = sim.tick().unwrap().expect("the batch is cleared at 03:00");
    assert!(sim.batch().is_empty());
    assert_eq!(lost.date, "2026-03-11");
    assert_eq!(lost.totals.total_minor, 3500);
    assert_eq!(lost.transactions.len(), 2);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("lost_batches") && text.contains("2026-03-11"), "{text}");
    assert_eq!(sim.state().lost_batches.len(), 1);

    // A settled batch has nothing to lose; and a clear that fell while the terminal was off
    // still happens when it starts again.
    run(&mut sim, &pay(700));
    run(&mut sim, &EcrCommand::EndOfDay { password: PASSWORD });
    run(&mut sim, &pay(800));
    drop(sim);
    clock.advance(SignedDuration::from_hours(30)); // 09:00 local, a day later
    let sim = Simulator::new(with_clear(), clock.clone()).unwrap();
    assert!(sim.batch().is_empty());
    assert_eq!(sim.state().lost_batches.len(), 2);
    assert_eq!(sim.state().lost_batches[1].totals.total_minor, 800);
    assert_eq!(sim.state().lost_batches[1].date, "2026-03-12");
}

#[test]
fn automatic_end_of_day_is_reported_in_the_next_status_enquiry() {
    let clock = clock();
    let faults = SimFaults {
        auto_end_of_day: true,
        ..SimFaults::default()
    };
    let mut sim = Simulator::new(
        SimConfig {
            auto_clear: Some(time(3, 0, 0, 0)),
            faults,
            ..config(None)
        },
        clock.clone(),
    )
    .unwrap();
    run(&mut sim, &pay(1000));
    run(&mut sim, &pay(2000));
    clock.advance(SignedDuration::from_hours(5)); // 03:02 local
    assert!(sim.tick().unwrap().is_none(), "settled, not lost");
    assert!(sim.batch().is_empty());
    assert!(sim.state().lost_batches.is_empty());

    let enquiry = EcrCommand::StatusEnquiry {
        password: None,
        service: None,
    };
    let replies = sim.handle(&enquiry);
    assert_eq!(
        replies[1],
        PtMessage::IntermediateStatus {
            code: 0x0F,
            timeout_minutes: None
        }
    );
    let s = &status_of(&replies)[0];
    assert_eq!((s.amount_minor, s.trace), (Some(3000), Some(3)));
    assert_eq!(
        s.totals.as_ref().map(|t| (t.receipt_start, t.receipt_end)),
        Some((1, 2))
    );
    assert!(matches!(replies.last(), Some(PtMessage::Completion(_))));
    // Not acknowledged: reported again next time; acknowledged: reported no more.
    let again = run(&mut sim, &enquiry);
    assert_eq!(status_of(&again).len(), 1);
    assert_eq!(sim.handle(&enquiry).len(), 2);
}

#[test]
fn schemes_rotate_by_trace() {
    let clock = clock();
    let mut sim = sim(&clock, None);
    for _ in 0..4 {
        run(&mut sim, &pay(100));
    }
    let schemes: Vec<Scheme> = sim.batch().transactions.iter().map(|t| t.card.scheme).collect();
    assert_eq!(
        schemes,
        [Scheme::Mastercard, Scheme::Visa, Scheme::Girocard, Scheme::Mastercard]
    );
}

#[test]
fn every_reply_survives_the_codec_unchanged() {
    use tillguard::terminal::zvt::messages::completion_for_status_enquiry;
    let clock = clock();
    let mut sim = sim(&clock, None);
    let mut replies = Vec::new();
    for cmd in [
        EcrCommand::Registration {
            password: PASSWORD,
            config: 0xBA,
            currency: Some(978),
            service: None,
        },
        pay(12_345),
        pay(1013),
        EcrCommand::Refund {
            password: PASSWORD,
            amount_minor: 500,
            currency: None,
        },
        EcrCommand::Reversal {
            password: PASSWORD,
            receipt_no: 1,
            amount_minor: None,
            currency: None,
        },
        EcrCommand::RepeatReceipt { password: PASSWORD },
        EcrCommand::SendTurnoverTotals { password: PASSWORD },
        EcrCommand::EndOfDay { password: PASSWORD },
        EcrCommand::Registration {
            password: PASSWORD,
            config: 0x0E,
            currency: None,
            service: None,
        },
        pay(700),
        EcrCommand::StatusEnquiry {
            password: None,
            service: None,
        },
    ] {
        // The command itself goes through the codec the way serve receives it.
        let (apdu, _) = Apdu::decode(&cmd.to_apdu().encode()).unwrap();
        replies.extend(run(&mut sim, &EcrCommand::from_apdu(&apdu).unwrap()));
    }
    assert!(replies.iter().any(|m| matches!(m, PtMessage::PrintTextBlock { .. })));
    for message in &replies {
        let bytes = message.to_apdu().encode();
        let (apdu, used) = Apdu::decode(&bytes).unwrap();
        assert_eq!(used, bytes.len());
        match message {
            PtMessage::Completion(c) if c.sw_version.is_some() => {
                assert_eq!(&completion_for_status_enquiry(&apdu).unwrap(), c);
            }
            _ => assert_eq!(
                &PtMessage::from_apdu(&apdu).unwrap(),
                message,
                "{}",
                hex::encode(&bytes)
            ),
        }
    }
}

// ---- serve: the master-rights handshake over an in-memory link ----

/// One end of an in-memory link: APDUs in, APDUs out, no framing.
struct ChannelLink {
    tx: Sender<Vec<u8>>,
    rx: Receiver<Vec<u8>>,
}

fn channel_pair() -> (ChannelLink, ChannelLink) {
    let (a_tx, b_rx) = mpsc::channel();
    let (b_tx, a_rx) = mpsc::channel();
    (ChannelLink { tx: a_tx, rx: a_rx }, ChannelLink { tx: b_tx, rx: b_rx })
}

impl Link for ChannelLink {
    fn send(&mut self, apdu: &[u8]) -> Result<(), LinkError> {
        self.tx.send(apdu.to_vec()).map_err(|_| LinkError::Closed)
    }

    fn receive(&mut self, timeout: Duration) -> Result<Option<Vec<u8>>, LinkError> {
        match self.rx.recv_timeout(timeout) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(mpsc::RecvTimeoutError::Timeout) => Ok(None),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(LinkError::Closed),
        }
    }

    fn describe(&self) -> String {
        "in-memory".to_string()
    }
}

const ACK: [u8; 3] = [0x80, 0x00, 0x00];

fn decode(bytes: &[u8]) -> PtMessage {
    let (apdu, _) = Apdu::decode(bytes).unwrap();
    PtMessage::from_apdu(&apdu).unwrap_or(PtMessage::Other(apdu))
}

struct Served {
    ecr: ChannelLink,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Simulator>,
}

fn start(sim: Simulator) -> Served {
    let (ecr, mut pt) = channel_pair();
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = stop.clone();
    let thread = std::thread::spawn(move || {
        let mut sim = sim;
        serve(&mut pt, &mut sim, &thread_stop).unwrap();
        sim
    });
    Served { ecr, stop, thread }
}

impl Served {
    fn finish(self) -> Simulator {
        self.stop.store(true, Ordering::SeqCst);
        drop(self.ecr);
        self.thread.join().unwrap()
    }

    fn next(&mut self) -> Option<PtMessage> {
        // A closed link (the disconnect fault) ends the conversation like silence does.
        self.ecr
            .receive(Duration::from_secs(2))
            .ok()
            .flatten()
            .map(|b| decode(&b))
    }

    /// Sends a command and plays a well-behaved ECR until Completion or Abort.
    fn exchange(&mut self, cmd: &EcrCommand, ack_status: bool) -> Vec<PtMessage> {
        self.ecr.send(&cmd.to_apdu().encode()).unwrap();
        let mut seen = Vec::new();
        while let Some(message) = self.next() {
            let end = matches!(message, PtMessage::Completion(_) | PtMessage::Abort { .. });
            let is_status = matches!(message, PtMessage::StatusInformation(_));
            if !matches!(message, PtMessage::Ack | PtMessage::Nak { .. }) && (ack_status || !is_status) {
                // May fail once the PT has hung up (the disconnect fault).
                let _ = self.ecr.send(&ACK);
            }
            let stop_here = is_status && !ack_status;
            seen.push(message);
            if end || stop_here || matches!(seen.as_slice(), [PtMessage::Nak { .. }]) {
                break;
            }
        }
        seen
    }
}

#[test]
fn serve_books_after_the_acknowledgement_and_not_without_it() {
    let clock = clock();
    let mut sim = sim(&clock, None);
    sim.set_ack_timeout(Duration::from_millis(300));
    let mut served = start(sim);
    let seen = served.exchange(&pay(1000), true);
    assert_eq!(seen.first(), Some(&PtMessage::Ack));
    assert!(matches!(seen.last(), Some(PtMessage::Completion(_))), "{seen:?}");
    // The ECR withholds the 04 0F acknowledgement: the PT waits T3 and gives up.
    let seen = served.exchange(&pay(2000), false);
    assert!(matches!(seen.last(), Some(PtMessage::StatusInformation(_))));
    std::thread::sleep(Duration::from_millis(600));
    assert!(
        served.ecr.receive(Duration::from_millis(100)).unwrap().is_none(),
        "nothing more after T3"
    );
    let seen = served.exchange(
        &EcrCommand::StatusEnquiry {
            password: None,
            service: None,
        },
        true,
    );
    assert!(matches!(seen.last(), Some(PtMessage::Completion(_))), "{seen:?}");
    let sim = served.finish();
    let amounts: Vec<u64> = sim.batch().transactions.iter().map(|t| t.amount_minor).collect();
    assert_eq!(amounts, [1000]);
}

#[test]
fn serve_faults_silence_and_disconnect_book_nothing() {
    let clock = clock();
    let silent = SimConfig {
        faults: SimFaults {
            silence_after_ack: true,
            ..SimFaults::default()
        },
        ..config(None)
    };
    let mut served = start(Simulator::new(silent, clock.clone()).unwrap());
    let seen = served.exchange(&pay(1000), true);
    assert_eq!(seen, [PtMessage::Ack]);
    assert!(served.finish().batch().is_empty());

    let cut = SimConfig {
        faults: SimFaults {
            disconnect_after_status: true,
            ..SimFaults::default()
        },
        ..config(None)
    };
    let mut served = start(Simulator::new(cut, clock.clone()).unwrap());
    let seen = served.exchange(&pay(1000), true);
    assert!(matches!(seen.last(), Some(PtMessage::StatusInformation(_))), "{seen:?}");
    served.ecr.send(&ACK).ok();
    let sim = served.thread.join().unwrap();
    assert!(sim.batch().is_empty(), "cut before the acknowledgement was read");
}

#[test]
fn serve_honours_an_abort_before_the_result() {
    let clock = clock();
    let slow = SimConfig {
        faults: SimFaults {
            think_time: Duration::from_millis(300),
            ..SimFaults::default()
        },
        ..config(None)
    };
    let mut served = start(Simulator::new(slow, clock.clone()).unwrap());
    served.ecr.send(&pay(1000).to_apdu().encode()).unwrap();
    assert_eq!(served.next(), Some(PtMessage::Ack));
    assert!(matches!(
        served.next(),
        Some(PtMessage::IntermediateStatus { code: 0x0A, .. })
    ));
    served.ecr.send(&ACK).unwrap();
    served.ecr.send(&EcrCommand::Abort.to_apdu().encode()).unwrap();
    assert_eq!(served.next(), Some(PtMessage::Ack));
    assert_eq!(served.next(), Some(PtMessage::Abort { result_code: 0x6C }));
    served.ecr.send(&ACK).unwrap();
    // Idle again: a new command is served.
    let seen = served.exchange(&pay(500), true);
    assert!(matches!(seen.last(), Some(PtMessage::Completion(_))), "{seen:?}");
    let sim = served.finish();
    let amounts: Vec<u64> = sim.batch().transactions.iter().map(|t| t.amount_minor).collect();
    assert_eq!(amounts, [500]);
}

// ---- end to end: the real serial link on both ends of a pseudo-terminal pair, and TCP ----

/// Plays the ECR by hand: sends the command, acknowledges every PT message, and collects
/// them up to Completion or Abort.
fn play(ecr: &mut dyn Link, cmd: &EcrCommand) -> Vec<PtMessage> {
    ecr.send(&cmd.to_apdu().encode()).unwrap();
    let mut seen = Vec::new();
    loop {
        let bytes = ecr
            .receive(Duration::from_secs(5))
            .unwrap()
            .expect("the simulator answers");
        let message = decode(&bytes);
        if !matches!(message, PtMessage::Ack | PtMessage::Nak { .. }) {
            ecr.send(&ACK).unwrap();
        }
        let done = matches!(
            message,
            PtMessage::Completion(_) | PtMessage::Abort { .. } | PtMessage::Nak { .. }
        );
        seen.push(message);
        if done {
            return seen;
        }
    }
}

#[test]
fn serves_ecrs_over_tcp_one_after_the_other() {
    use std::net::TcpListener;
    use tillguard::terminal::simulator::serve_tcp;
    use tillguard::terminal::zvt::tcp::TcpLink;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.json");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let mut sim = sim(&clock(), Some(&path));
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = stop.clone();
    let thread = std::thread::spawn(move || serve_tcp(&listener, &mut sim, &thread_stop).map(|()| sim));

    let mut first = TcpLink::connect(&addr, Duration::from_secs(2)).unwrap();
    let paid = status_of(&play(&mut first, &pay(4200)));
    assert_eq!((paid[0].trace, paid[0].receipt_no), (Some(1), Some(1)));
    drop(first);
    // A second ECR (or the same after a restart) finds the booked payment.
    let mut second = TcpLink::connect(&addr, Duration::from_secs(2)).unwrap();
    let repeated = status_of(&play(&mut second, &EcrCommand::RepeatReceipt { password: PASSWORD }));
    assert_eq!(repeated, paid);
    let totals = status_of(&play(&mut second, &EcrCommand::EndOfDay { password: PASSWORD }));
    assert_eq!(totals[0].amount_minor, Some(4200));
    drop(second);
    stop.store(true, Ordering::SeqCst);
    let sim = thread.join().unwrap().unwrap();
    assert!(sim.batch().is_empty());
    assert_eq!(
        sim.state().last_settlement.as_ref().map(|s| s.totals.total_minor),
        Some(4200)
    );
}

#[cfg(unix)]
#[test]
fn end_to_end_authorization_over_a_pty_pair() {
    authorize_over_pty(tillguard::terminal::zvt::link::Faults::default());
}

/// The PT's first frame goes out with a bad CRC: the ECR's link NAKs it, the repeat passes.
#[cfg(unix)]
#[test]
fn end_to_end_survives_a_corrupted_frame() {
    use tillguard::terminal::zvt::link::Faults;
    authorize_over_pty(Faults {
        corrupt_crc_once: true,
        ..Faults::default()
    });
}

#[cfg(unix)]
fn authorize_over_pty(link_faults: tillguard::terminal::zvt::link::Faults) {
    use tillguard::terminal::simulator::spawn_pty_pair;
    use tillguard::terminal::zvt::serial::SerialLink;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("simulator-terminal.json");
    let clock = clock();
    let faults = SimFaults {
        link: link_faults,
        ..SimFaults::default()
    };
    let (port, name, thread, stop) = spawn_pty_pair(
        SimConfig {
            faults,
            ..config(Some(&path))
        },
        clock.clone(),
    )
    .unwrap();
    assert!(!name.is_empty());
    let mut ecr = SerialLink::from_port(port, name);

    let seen = play(&mut ecr, &pay(2550));
    assert_eq!(seen.first(), Some(&PtMessage::Ack));
    assert!(matches!(seen.last(), Some(PtMessage::Completion(_))), "{seen:?}");
    let status = status_of(&seen);
    assert_eq!(status.len(), 1);
    let s = &status[0];
    assert_eq!(
        (s.result_code, s.amount_minor, s.trace, s.receipt_no),
        (Some(0), Some(2550), Some(1), Some(1))
    );
    assert_eq!(s.pan.as_deref(), Some("545454******9153"));
    assert_eq!(s.terminal_id, Some(52_52_35_35));
    assert!(seen.iter().any(|m| matches!(m, PtMessage::PrintLine { .. })));

    stop.store(true, Ordering::SeqCst);
    thread.join().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let state: serde_json::Value = serde_json::from_str(&text).unwrap();
    let booked = &state["batch"]["transactions"];
    assert_eq!(booked.as_array().map(Vec::len), Some(1), "{text}");
    assert_eq!(booked[0]["trace"], 1);
    assert_eq!(booked[0]["receipt_no"], 1);
    assert_eq!(booked[0]["amount_minor"], 2550);
    assert_eq!(booked[0]["card"]["scheme"], "mastercard");
}
