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
//! landed is read back from the ledger and the relay and printed as a histogram.

#![cfg(unix)]

mod crash_support;

use crash_support::ledger::{self, Reported};
use crash_support::proxy::{self, Message, Proxy};
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
/// 06 01 Authorization, 06 50 End-of-Day.
const AUTHORIZATION: u8 = 0x01;
const END_OF_DAY: u8 = 0x50;
/// How long anything may take before the test gives up on it (a hang is a failure).
const PATIENCE: Duration = Duration::from_secs(20);

/// Where a kill landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    /// Sale: nothing journaled yet (start-up, catalog, connecting).
    BeforeIntent,
    /// Sale: intent journaled, the terminal's result not stored.
    IntentNoResult,
    /// Sale: the result stored, its acknowledgement not sent (the terminal has not booked).
    ResultNotAcknowledged,
    /// Sale: the result acknowledged (booked), the sale not committed.
    AcknowledgedNoSale,
    /// Sale: committed, not yet printed as done.
    CommittedNotReported,
    /// Sale: reported done, then killed (e.g. while exiting).
    Reported,
    /// Sale declined by the terminal, killed after the decline was stored.
    DeclineStored,
    /// Settle: killed before the terminal's end-of-day totals arrived.
    SettleBeforeTotals,
    /// Settle: totals stored, their acknowledgement not sent (the terminal has not settled).
    SettleTotalsNotAcknowledged,
    /// Settle: the terminal settled; the till had not finished.
    SettleAcknowledged,
}

impl Phase {
    /// The phases the loop must hit for its claims to mean anything.
    const REQUIRED: [Phase; 7] = [
        Phase::BeforeIntent,
        Phase::IntentNoResult,
        Phase::ResultNotAcknowledged,
        Phase::AcknowledgedNoSale,
        Phase::Reported,
        Phase::SettleBeforeTotals,
        Phase::SettleAcknowledged,
    ];
}

/// When to kill, relative to what.
#[derive(Debug, Clone, Copy)]
enum Aim {
    /// A delay after the process started, over its whole life.
    Life,
    /// A delay after the terminal's result reached the till, up to the end of the run.
    AfterResult,
    /// A delay after the result, shorter than the till takes to acknowledge it.
    BeforeAcknowledgement,
}

/// Timings of undisturbed runs (the slowest of the warm-up runs).
#[derive(Debug, Default, Clone, Copy)]
struct Timing {
    life: Duration,
    result_to_exit: Duration,
    result_to_ack: Duration,
}

impl Timing {
    fn take(&mut self, started: Instant, ended: Instant, messages: &[Message], command: u8) {
        self.life = self.life.max(ended - started);
        if let Some(i) = proxy::result_after(messages, command) {
            let result = messages[i].at;
            self.result_to_exit = self.result_to_exit.max(ended.saturating_duration_since(result));
            if let Some(ack) = messages.iter().skip(i + 1).find(|m| m.dir == proxy::Dir::ToTerminal) {
                self.result_to_ack = self.result_to_ack.max(ack.at.saturating_duration_since(result));
            }
        }
    }

    fn delay(&self, aim: Aim, rng: &mut Rng) -> Duration {
        match aim {
            Aim::Life => rng.up_to(self.life + self.life / 10),
            Aim::AfterResult => rng.up_to(self.result_to_exit),
            Aim::BeforeAcknowledgement => rng.up_to(self.result_to_ack),
        }
    }
}

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
    assert!(shop.proxy.wait_idle(PATIENCE), "the terminal did not let go of the killed till");
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

/// Where a killed sale run landed: the journal rows it left (before recovery) and the relay.
fn sale_phase(shop: &Shop, newest_before: i64, messages: &[Message], printed: bool) -> Phase {
    if printed {
        return Phase::Reported;
    }
    let rows = shop
        .store()
        .cards_after(&shop.terminal_name(), newest_before)
        .expect("journal");
    let Some(row) = rows.last() else {
        return Phase::BeforeIntent;
    };
    if row.sale_id.is_some() {
        return Phase::CommittedNotReported;
    }
    let acknowledged = proxy::result_after(messages, AUTHORIZATION).is_some_and(|i| proxy::acknowledged(messages, i));
    match row.state {
        CardState::Pending => Phase::IntentNoResult,
        CardState::Declined | CardState::Cancelled => Phase::DeclineStored,
        CardState::Approved | CardState::InDoubt if acknowledged => Phase::AcknowledgedNoSale,
        CardState::Approved | CardState::InDoubt => Phase::ResultNotAcknowledged,
    }
}

fn settle_phase(messages: &[Message]) -> Phase {
    match proxy::result_after(messages, END_OF_DAY) {
        Some(i) if proxy::acknowledged(messages, i) => Phase::SettleAcknowledged,
        Some(_) => Phase::SettleTotalsNotAcknowledged,
        None => Phase::SettleBeforeTotals,
    }
}

fn newest_card(shop: &Shop) -> i64 {
    shop.store()
        .cards_after(&shop.terminal_name(), 0)
        .expect("journal")
        .last()
        .map_or(0, |c| c.id)
}

/// Recovery after a run, then every invariant; panics naming the round, the seed and what broke.
fn recover_and_check(shop: &mut Shop, truth: &mut Truth, reported: &[Reported], context: &str) -> ledger::Tally {
    let out = shop.run(&["recover", "--json"]);
    assert!(
        out.status.success(),
        "{context}: recover failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(shop.proxy.wait_idle(PATIENCE), "{context}: recovery left the terminal busy");
    shop.terminal_alive();
    if let Err(e) = truth.observe(&shop.state_file) {
        panic!("{context}: the terminal's own record is inconsistent: {e}");
    }
    let (tally, bad) = ledger::check(&shop.store(), &shop.terminal_name(), truth, reported);
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
    let mut truth = Truth::default();
    let mut reported: Vec<Reported> = Vec::new();

    // Warm-up: undisturbed runs measure how long each step takes here, and give the
    // terminal a last transaction for Repeat Receipt.
    let (mut sell_timing, mut settle_timing) = (Timing::default(), Timing::default());
    for (i, args) in SALES.iter().take(3).cycle().take(4).enumerate() {
        let mark = shop.proxy.mark();
        let started = Instant::now();
        let v = shop.json(&[&["sell"], *args, &["--json"]].concat());
        let ended = Instant::now();
        assert!(shop.proxy.wait_idle(PATIENCE));
        sell_timing.take(started, ended, &shop.proxy.since(mark), AUTHORIZATION);
        reported.push(sale_reported(&v).expect("a reported sale"));
        recover_and_check(&mut shop, &mut truth, &reported, "warm-up sale");
        if i == 1 {
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
    eprintln!("undisturbed sale: {sell_timing:?}\nundisturbed settle: {settle_timing:?}");

    let mut phases: BTreeMap<Phase, usize> = BTreeMap::new();
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
        let newest_before = newest_card(&shop);
        let mark = shop.proxy.mark();
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
        if killed {
            kills += 1;
            *phases.entry(phase).or_default() += 1;
        } else {
            finished += 1;
            if !out.status.success() && settle {
                // A settle that ran to its end may still fail (e.g. after an interrupted one);
                // that is for recovery and the invariants to judge, not a test failure.
                eprintln!("round {rounds}: settle ended: {}", String::from_utf8_lossy(&out.stderr).trim());
            }
        }
        let what = format!(
            "round {rounds}: {} {} (aim {aim:?})",
            if settle { "settle" } else { "sale" },
            if killed { format!("killed at {phase:?}") } else { format!("ran to its end ({})", out.status) }
        );
        let context = format!("{what}, seed {seed}; the rounds before: {}", recent.join("; "));
        if recent.len() == 4 {
            recent.remove(0);
        }
        recent.push(what);
        recover_and_check(&mut shop, &mut truth, &reported, &context);
    }

    // The end of the day: recover, settle what is left, and the terminal's totals must match.
    let context = format!("final settlement (seed {seed})");
    recover_and_check(&mut shop, &mut truth, &reported, &context);
    let settled = shop.json(&["settle", "--json"]);
    assert_eq!(settled["state"], "settled", "{context}: {settled}");
    assert_eq!(settled["reconciliation"], "match", "{context}: {settled}");
    let tally_end = recover_and_check(&mut shop, &mut truth, &reported, &context);
    let store = shop.store();
    assert!(store.unsettled_batches().expect("batches").is_empty(), "{context}: a batch is left unsettled");
    assert!(truth.open.is_empty(), "{context}: the terminal still holds {:?}", truth.open);
    let booked: u64 = truth.payments().map(|t| t.amount_minor).sum();
    let settled_total: u64 = truth.settlements.values().map(|s| s.totals.total_minor).sum();
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
        truth.payments().count(),
        truth.settlements.len()
    );
    assert!(kills >= MIN_KILLS, "only {kills} kills landed in {rounds} rounds (seed {seed})");
    assert!(missing.is_empty(), "no kill landed at {missing:?} (seed {seed})");
}
