//! Card payments survive the till being killed (SIGKILL) at any point: a loop of
//! `tillguard sell --tender card` and `tillguard settle` runs against a simulated terminal that
//! lives on in its own process, each run killed at a seeded random moment, then `tillguard
//! recover` and the invariants (crash_support/ledger.rs) after every round: no reported sale
//! lost, no payment the terminal booked missing or recorded twice, none approved that the
//! terminal did not book, nothing left pending, no batch lost or settled by an end-of-day the
//! terminal never ran, the audit chain intact. At the end the last batch settles and
//! reconciles as a match against the terminal's own totals.
//!
//! Kill moments are drawn from a seeded generator (printed; CRASH_SEED=<seed> replays a run):
//! a delay after the start, or after the terminal's result reached the till (seen by the relay
//! in crash_support/proxy.rs), scaled by timings measured in warm-up runs. Where each kill
//! landed is read back from the ledger and the relay and printed as a histogram; the loop runs
//! on (bounded) until every phase was hit.
//!
//! Two deterministic tests pin the narrowest windows: the relay drops the till's
//! acknowledgement of a payment result, or of the end-of-day totals, and the till is killed
//! right after sending it; the terminal books nothing, so neither may the ledger.

#![cfg(unix)]

mod crash_support;

use crash_support::aim::{Aim, Timing};
use crash_support::ledger::{self, Reported};
use crash_support::phase::{AUTHORIZATION, END_OF_DAY, Phase, sale_phase, settle_phase};
use crash_support::proxy::{self, Proxy};
use crash_support::rng::{self, Rng};
use crash_support::shop::Shop;
use crash_support::truth::Truth;
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Output};
use std::time::{Duration, Instant};
use tillguard::store::CardState;

/// Kills the loop must land (runs that finished before their kill do not count).
const MIN_KILLS: usize = 200;
/// Bound on rounds, whatever happens.
const MAX_ROUNDS: usize = 500;
/// One settle round in this many, on average (percent).
const SETTLE_PERCENT: u64 = 12;
/// How long anything may take before the test gives up on it (a hang is a failure).
const PATIENCE: Duration = Duration::from_secs(20);

/// Items and tenders: card-only sales of several amounts, and some the terminal declines
/// (the simulator declines card amounts ending in .13).
const SALES: [&[&str]; 6] = [
    &["--item", "COLA", "--tender", "card"],
    &["--item", "COLAx2", "--item", "FOD-002", "--tender", "card"],
    &["--item", "B2B-001", "--tender", "card"],
    &["--item", "DRK-004x3", "--tender", "card"],
    &["--item", "FOD-002", "--tender", "cash:5", "--tender", "card"],
    &["--item", "COLA", "--tender", "cash:2.37", "--tender", "card:1.13"],
];

struct Round<'a> {
    shop: &'a Shop,
    rng: &'a mut Rng,
}

/// Starts `args`, kills it at the aimed moment; returns its output and when it ended.
fn run_and_kill(round: Round<'_>, args: &[&str], command: u8, aim: Aim, timing: &Timing) -> (Output, bool) {
    let Round { shop, rng } = round;
    let mark = shop.proxy.mark();
    let mut child = shop.command(args).spawn().expect("start tillguard");
    let delay = timing.delay(aim, rng);
    match aim {
        Aim::Life => std::thread::sleep(delay),
        Aim::AfterResult | Aim::BeforeAcknowledgement => {
            if wait_for_result(&mut child, &shop.proxy, mark, command) {
                std::thread::sleep(delay);
            }
        }
    }
    let _ = child.kill();
    let out = child.wait_with_output().expect("reap tillguard");
    let killed = out.status.signal() == Some(9);
    assert!(
        shop.proxy.wait_idle(PATIENCE),
        "the terminal did not let go of the killed till"
    );
    (out, killed)
}

/// Waits until the terminal's result for `06 command` passed the relay; false if the run
/// ended first.
fn wait_for_result(child: &mut Child, proxy: &Proxy, mark: usize, command: u8) -> bool {
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        if proxy.wait_for(mark, Duration::from_millis(20), |m| {
            proxy::result_after(m, command).is_some()
        }) {
            return true;
        }
        if matches!(child.try_wait(), Ok(Some(_))) {
            return false;
        }
    }
    false
}

/// What `sell --json` printed, if it got that far.
fn sale_reported(v: &serde_json::Value) -> Option<Reported> {
    let trace = v["payments"]
        .as_array()?
        .iter()
        .find(|p| p["method"] == "card")
        .and_then(|p| p["trace"].as_u64());
    Some(Reported {
        sale_id: v["sale_id"].as_i64()?,
        total: v["total"].as_str()?.to_string(),
        trace,
    })
}

/// What the checks carry from round to round.
#[derive(Default)]
struct Checks {
    terminal: Truth,
    sales: ledger::SeenSales,
}

/// Recovery after a killed run, then every invariant; panics naming the round, the seed and
/// what broke.
fn recover_and_check(shop: &mut Shop, truth: &mut Checks, reported: &[Reported], context: &str) -> ledger::Tally {
    let out = shop.run(&["recover", "--json"]);
    assert!(
        out.status.success(),
        "{context}: recover failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        shop.proxy.wait_idle(PATIENCE),
        "{context}: recovery left the terminal busy"
    );
    check(shop, truth, reported, context)
}

/// Every invariant, without running recovery first (after a run that was not killed).
fn check(shop: &mut Shop, truth: &mut Checks, reported: &[Reported], context: &str) -> ledger::Tally {
    shop.terminal_alive();
    if let Err(e) = truth.terminal.observe(&shop.state_file) {
        panic!("{context}: the terminal's own record is inconsistent: {e}");
    }
    let (tally, bad) = ledger::check(
        &shop.store(),
        &shop.terminal_name(),
        &truth.terminal,
        reported,
        &mut truth.sales,
    );
    assert!(bad.is_empty(), "{context}: invariants broken:\n  {}", bad.join("\n  "));
    tally
}

#[test]
fn sigkill_anywhere_in_card_sales_and_settlement_loses_and_doubles_nothing() {
    let began = Instant::now();
    let seed = rng::seed();
    eprintln!("crash loop seed {seed} (replay: CRASH_SEED={seed})");
    let mut rng = Rng::new(seed);
    let mut shop = Shop::open();
    let mut truth = Checks::default();
    let mut reported: Vec<Reported> = Vec::new();

    // Warm-up: undisturbed runs measure how long each step takes here, and give the
    // terminal a last transaction for Repeat Receipt.
    let (mut sell_timing, mut settle_timing) = (Timing::default(), Timing::default());
    for (i, args) in SALES.iter().take(3).cycle().take(6).enumerate() {
        let mark = shop.proxy.mark();
        let started = Instant::now();
        let v = shop.json(&[&["sell"], *args, &["--json"]].concat());
        let ended = Instant::now();
        assert!(shop.proxy.wait_idle(PATIENCE));
        sell_timing.take(started, ended, &shop.proxy.since(mark), AUTHORIZATION);
        reported.push(sale_reported(&v).expect("a reported sale"));
        recover_and_check(&mut shop, &mut truth, &reported, "warm-up sale");
        if i % 2 == 1 {
            let mark = shop.proxy.mark();
            let started = Instant::now();
            let s = shop.json(&["settle", "--json"]);
            assert_eq!(s["reconciliation"], "match", "{s}");
            let ended = Instant::now();
            assert!(shop.proxy.wait_idle(PATIENCE));
            settle_timing.take(started, ended, &shop.proxy.since(mark), END_OF_DAY);
            recover_and_check(&mut shop, &mut truth, &reported, "warm-up settle");
        }
    }
    eprintln!(
        "undisturbed sale: {}\nundisturbed settle: {}",
        sell_timing.describe(),
        settle_timing.describe()
    );

    let mut tally = recover_and_check(&mut shop, &mut truth, &reported, "after the warm-up");
    let mut phases: BTreeMap<Phase, usize> = BTreeMap::new();
    // Where the time goes: the killed runs, and recovery with the checks.
    let (mut running, mut checking) = (Duration::ZERO, Duration::ZERO);
    let (mut kills, mut finished, mut rounds) = (0usize, 0usize, 0usize);
    // The last few rounds, for the failure message: a kill's damage can surface a round later.
    let mut recent: Vec<String> = Vec::new();
    while rounds < MAX_ROUNDS {
        let missing: Vec<Phase> = Phase::REQUIRED
            .into_iter()
            .filter(|p| !phases.contains_key(p))
            .collect();
        if kills >= MIN_KILLS && missing.is_empty() {
            break;
        }
        rounds += 1;
        let aim = *rng.pick(&[Aim::Life, Aim::AfterResult, Aim::BeforeAcknowledgement]);
        let settle = rng.chance(SETTLE_PERCENT);
        let newest_before = tally.newest_card;
        let mark = shop.proxy.mark();
        let run_began = Instant::now();
        let round = Round {
            shop: &shop,
            rng: &mut rng,
        };
        let (out, killed, phase) = if settle {
            let (out, killed) = run_and_kill(round, &["settle", "--json"], END_OF_DAY, aim, &settle_timing);
            (out, killed, settle_phase(&shop.proxy.since(mark)))
        } else {
            let sale = *round.rng.pick(&SALES);
            let args = [&["sell"], sale, &["--json"]].concat();
            let (out, killed) = run_and_kill(round, &args, AUTHORIZATION, aim, &sell_timing);
            let done = serde_json::from_slice(&out.stdout).ok().and_then(|v| sale_reported(&v));
            let printed = done.is_some();
            reported.extend(done);
            let phase = sale_phase(&shop, newest_before, &shop.proxy.since(mark), printed);
            (out, killed, phase)
        };
        running += run_began.elapsed();
        if killed {
            kills += 1;
            *phases.entry(phase).or_default() += 1;
        } else {
            finished += 1;
            if !out.status.success() && settle {
                // A settle that ran to its end may still fail (e.g. after an interrupted one);
                // that is for recovery and the invariants to judge, not a test failure.
                eprintln!(
                    "round {rounds}: settle ended: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
            }
        }
        let what = format!(
            "round {rounds}: {} {} (aim {aim:?})",
            if settle { "settle" } else { "sale" },
            if killed {
                format!("killed at {phase:?}")
            } else {
                format!("ran to its end ({})", out.status)
            }
        );
        let context = format!("{what}, seed {seed}; the rounds before: {}", recent.join("; "));
        if recent.len() == 4 {
            recent.remove(0);
        }
        recent.push(what);
        let check_began = Instant::now();
        // A run that was not killed needs no recovery; a killed one restarts with it.
        tally = if killed {
            recover_and_check(&mut shop, &mut truth, &reported, &context)
        } else {
            check(&mut shop, &mut truth, &reported, &context)
        };
        checking += check_began.elapsed();
    }

    // The end of the day: recover, settle what is left, and the terminal's totals must match.
    let context = format!("final settlement (seed {seed})");
    recover_and_check(&mut shop, &mut truth, &reported, &context);
    let out = shop.run(&["settle", "--json"]);
    let settled: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{context}: settle printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(settled["state"], "settled", "{context}: {settled}");
    assert_eq!(settled["reconciliation"], "match", "{context}: {settled}");
    let tally_end = recover_and_check(&mut shop, &mut truth, &reported, &context);
    let store = shop.store();
    assert!(
        store.unsettled_batches().expect("batches").is_empty(),
        "{context}: a batch is left unsettled"
    );
    assert!(
        truth.terminal.open.is_empty(),
        "{context}: the terminal still holds {:?}",
        truth.terminal.open
    );
    let booked: u64 = truth.terminal.payments().map(|t| t.amount_minor).sum();
    let settled_total: u64 = truth.terminal.settlements.values().map(|s| s.totals.total_minor).sum();
    assert_eq!(booked, settled_total, "{context}: every booked payment settled once");
    let status = shop.json(&["status", "--json"]);
    assert_eq!(
        status["card_in_doubt"]["count"].as_u64(),
        Some(tally_end.flagged as u64),
        "{context}: status shows what is left in doubt: {status}"
    );
    let missing: Vec<Phase> = Phase::REQUIRED
        .into_iter()
        .filter(|p| !phases.contains_key(p))
        .collect();

    eprintln!(
        "crash loop: seed {seed}, {rounds} rounds, {kills} kills, {finished} runs finished before their kill, {:.1} s",
        began.elapsed().as_secs_f64()
    );
    eprintln!(
        "  time in killed or finished runs {:.1} s, in recovery and checks {:.1} s",
        running.as_secs_f64(),
        checking.as_secs_f64()
    );
    for (phase, count) in &phases {
        eprintln!("  {phase:?}: {count}");
    }
    eprintln!(
        "ledger: {} sales ({} reported), {} approved card rows, {} left in doubt, {} settled batches; \
         terminal: {} payments booked, {} end-of-days",
        tally_end.sales,
        reported.len(),
        tally_end.approved,
        tally_end.flagged,
        tally_end.settled_batches,
        truth.terminal.payments().count(),
        truth.terminal.settlements.len()
    );
    assert!(
        kills >= MIN_KILLS,
        "only {kills} kills landed in {rounds} rounds (seed {seed})"
    );
    assert!(missing.is_empty(), "no kill landed at {missing:?} (seed {seed})");
}

/// Runs `args` with the relay dropping the till's acknowledgement of the result of its command
/// `06 command`, and kills the till once it has sent it: the till journaled the result, the
/// terminal never got the acknowledgement it books on.
fn kill_after_dropped_acknowledgement(shop: &Shop, args: &[&str], command: u8) {
    let mark = shop.proxy.mark();
    shop.proxy.swallow_result_acks(Some(command));
    let mut child = shop.command(args).spawn().expect("start tillguard");
    let dropped = shop.proxy.wait_for(mark, PATIENCE, |m| m.iter().any(|m| m.dropped));
    let _ = child.kill();
    let out = child.wait_with_output().expect("reap tillguard");
    shop.proxy.swallow_result_acks(None);
    assert!(
        dropped,
        "{args:?} never acknowledged a result: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        shop.proxy.wait_idle(PATIENCE),
        "the terminal did not let go of the killed till"
    );
}

const SELL_COLA: [&str; 6] = ["sell", "--item", "COLA", "--tender", "card", "--json"];

#[test]
fn a_payment_whose_acknowledgement_never_reached_the_terminal_is_not_booked() {
    let mut shop = Shop::open();
    let (mut truth, mut reported) = (Checks::default(), Vec::new());
    reported.extend(sale_reported(&shop.json(&SELL_COLA)));
    recover_and_check(&mut shop, &mut truth, &reported, "the first sale");
    kill_after_dropped_acknowledgement(&shop, &["sell", "--item", "FOD-002", "--tender", "card"], AUTHORIZATION);
    let journal = shop.store().cards_after(&shop.terminal_name(), 0).expect("journal");
    let row = journal.last().expect("the second payment is journaled").clone();
    assert_eq!(
        (row.state, row.fields.trace.is_some()),
        (CardState::InDoubt, true),
        "an approval the terminal may not have got is in doubt, with its numbers"
    );
    let tally = recover_and_check(&mut shop, &mut truth, &reported, "recovery");
    let row = shop.store().card(row.id).expect("read").expect("row");
    assert_eq!((row.state, row.sale_id), (CardState::Declined, None), "{:?}", row.note);
    assert_eq!((tally.sales, truth.terminal.payments().count()), (1, 1));
    // The till sells on, and the day reconciles.
    reported.extend(sale_reported(&shop.json(&SELL_COLA)));
    recover_and_check(&mut shop, &mut truth, &reported, "the next sale");
    let settled = shop.json(&["settle", "--json"]);
    assert_eq!(settled["reconciliation"], "match", "{settled}");
    recover_and_check(&mut shop, &mut truth, &reported, "settled");
}

#[test]
fn an_end_of_day_whose_acknowledgement_never_reached_the_terminal_settles_nothing() {
    let mut shop = Shop::open();
    let (mut truth, mut reported) = (Checks::default(), Vec::new());
    reported.extend(sale_reported(&shop.json(&SELL_COLA)));
    recover_and_check(&mut shop, &mut truth, &reported, "the first sale");
    kill_after_dropped_acknowledgement(&shop, &["settle", "--json"], END_OF_DAY);
    recover_and_check(&mut shop, &mut truth, &reported, "recovery");
    assert_eq!(truth.terminal.open.len(), 1, "the terminal still holds its batch");
    // Whatever looks at the batches next must not take the stored totals for a settlement.
    shop.json(&["status", "--json"]);
    recover_and_check(
        &mut shop,
        &mut truth,
        &reported,
        "status after the interrupted end-of-day",
    );
    reported.extend(sale_reported(&shop.json(&SELL_COLA)));
    recover_and_check(
        &mut shop,
        &mut truth,
        &reported,
        "a sale after the interrupted end-of-day",
    );
    let settled = shop.json(&["settle", "--json"]);
    assert_eq!(settled["reconciliation"], "match", "{settled}");
    let tally = recover_and_check(&mut shop, &mut truth, &reported, "settled");
    assert!(truth.terminal.open.is_empty() && tally.flagged == 0);
}
