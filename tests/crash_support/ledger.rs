//! The invariants, checked between rounds after recovery: the till's ledger against what the
//! terminal booked (truth.rs) and what the till reported done.

use super::truth::Truth;
use std::collections::{BTreeMap, BTreeSet};
use tillguard::settlement::batch::BatchState;
use tillguard::store::{CardJournal, CardKind, CardState, Store};

/// A sale `sell --json` printed before it was killed or exited: the till said it was done.
#[derive(Debug, Clone)]
pub struct Reported {
    pub sale_id: i64,
    pub total: String,
    pub trace: Option<u64>,
}

/// Counts for the report.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub sales: usize,
    pub approved: usize,
    /// Rows recovery could not decide and left for the manager (state in_doubt).
    pub flagged: usize,
    pub settled_batches: usize,
    /// The newest card journal row.
    pub newest_card: i64,
}

/// Every violated invariant, in words; empty when all hold.
pub fn check(
    store: &Store,
    terminal: &str,
    truth: &Truth,
    reported: &[Reported],
    seen: &mut SeenSales,
) -> (Tally, Vec<String>) {
    let mut bad = Vec::new();
    let mut tally = Tally::default();
    if let Err(e) = store.quick_check() {
        bad.push(format!("database check failed: {e}"));
    }
    match store.verify_audit() {
        Ok(None) => {}
        Ok(Some(b)) => bad.push(format!("audit chain broken: {b:?}")),
        Err(e) => bad.push(format!("audit chain unreadable: {e}")),
    }
    let cards = store.cards_after(terminal, 0).expect("card journal");
    tally.newest_card = cards.last().map_or(0, |c| c.id);
    let by_id: BTreeMap<i64, &CardJournal> = cards.iter().map(|c| (c.id, c)).collect();
    tally.sales = sales(store, seen, &by_id, reported, &mut bad);
    cards_against_terminal(&cards, truth, &mut tally, &mut bad);
    batches(store, truth, &mut tally, &mut bad);
    (tally, bad)
}

/// A sale's card payment: its journal row and trace number.
type CardLink = (i64, Option<u32>);

/// The sales checked so far: a committed sale never changes, so each is read in full once.
#[derive(Default)]
pub struct SeenSales {
    /// Sale id -> its total (plain text) and its card payment.
    sales: BTreeMap<i64, (String, Option<CardLink>)>,
}

/// Reported sales are there unchanged; every sale is whole; each card payment's journal row is
/// approved and belongs to that sale alone.
fn sales(
    store: &Store,
    seen: &mut SeenSales,
    cards: &BTreeMap<i64, &CardJournal>,
    reported: &[Reported],
    bad: &mut Vec<String>,
) -> usize {
    let (from, until) = (jiff::civil::date(2000, 1, 1), jiff::civil::date(2100, 1, 1));
    let rows = store.sales_between(from, until).expect("sales");
    let listed: BTreeSet<i64> = rows.iter().map(|r| r.id).collect();
    for id in seen.sales.keys().filter(|id| !listed.contains(id)) {
        bad.push(format!("sale {id} is gone from the ledger"));
    }
    let unread: Vec<i64> = listed
        .iter()
        .copied()
        .filter(|id| !seen.sales.contains_key(id))
        .collect();
    for id in unread {
        let sale = store.sale(id).expect("read sale").expect("listed sale");
        let d = &sale.draft;
        let lines: i64 = d.lines.iter().map(|l| l.total.minor()).sum();
        let paid: i64 = d.payments.iter().map(|p| p.amount.minor()).sum();
        if lines != d.total.minor() || paid != d.total.minor() {
            bad.push(format!(
                "sale {} is not whole: lines {lines}, payments {paid}, total {}",
                sale.id,
                d.total.minor()
            ));
        }
        let card: Vec<_> = d
            .payments
            .iter()
            .filter_map(|p| p.card.as_ref().map(|c| (p, c)))
            .collect();
        if card.len() != 1 {
            bad.push(format!("sale {} has {} card payments", sale.id, card.len()));
        }
        let paid_by = card.first().map(|(payment, details)| {
            if cards
                .get(&details.journal_id)
                .is_some_and(|row| row.fields.trace != details.trace || row.amount_minor != payment.amount.minor())
            {
                bad.push(format!(
                    "sale {} and card row #{} disagree on trace or amount",
                    sale.id, details.journal_id
                ));
            }
            (details.journal_id, details.trace)
        });
        seen.sales.insert(sale.id, (d.total.plain(), paid_by));
    }
    // Every sale's card row, now: journaled, approved, linked to that sale and no other.
    let mut paid_by: BTreeMap<i64, i64> = BTreeMap::new();
    for (sale_id, (_, card)) in &seen.sales {
        let Some((journal_id, _)) = card else { continue };
        if let Some(other) = paid_by.insert(*journal_id, *sale_id) {
            bad.push(format!(
                "card payment #{journal_id} is recorded twice: sales {other} and {sale_id}"
            ));
        }
        match cards.get(journal_id) {
            None => bad.push(format!(
                "sale {sale_id} pays with card row #{journal_id} that is not journaled"
            )),
            Some(row) if row.state != CardState::Approved || row.sale_id != Some(*sale_id) => bad.push(format!(
                "sale {sale_id} pays with card row #{journal_id} which is {:?} with sale {:?}",
                row.state, row.sale_id
            )),
            Some(_) => {}
        }
    }
    for r in reported {
        match seen.sales.get(&r.sale_id) {
            None => bad.push(format!("sale {} was reported done and is lost", r.sale_id)),
            Some((total, card)) => {
                if *total != r.total {
                    bad.push(format!(
                        "sale {} was reported as {} and is now {total}",
                        r.sale_id, r.total
                    ));
                }
                let trace = card.and_then(|(_, t)| t).map(u64::from);
                if trace != r.trace {
                    bad.push(format!(
                        "sale {} was reported with trace {:?}, has {trace:?}",
                        r.sale_id, r.trace
                    ));
                }
            }
        }
    }
    rows.len()
}

/// The journal against the terminal: nothing pending after recovery; every approved row is a
/// payment the terminal booked, once, with its sale; every payment the terminal booked is
/// approved in the journal (or left in doubt for the manager), never declined or missing.
fn cards_against_terminal(cards: &[CardJournal], truth: &Truth, tally: &mut Tally, bad: &mut Vec<String>) {
    let mut approved_traces: BTreeMap<u32, i64> = BTreeMap::new();
    for c in cards {
        match c.state {
            CardState::Pending => bad.push(format!("card row #{} is still pending after recovery", c.id)),
            CardState::InDoubt => {
                tally.flagged += 1;
                if c.note.as_deref().is_none_or(str::is_empty) {
                    bad.push(format!("card row #{} is in doubt without a reason", c.id));
                }
            }
            CardState::Approved => {
                tally.approved += 1;
                if c.kind != CardKind::Authorization {
                    continue;
                }
                if c.sale_id.is_none() {
                    bad.push(format!(
                        "card row #{} is approved but its sale was never committed",
                        c.id
                    ));
                }
                let Some(trace) = c.fields.trace else {
                    bad.push(format!("approved card row #{} has no trace number", c.id));
                    continue;
                };
                if let Some(other) = approved_traces.insert(trace, c.id) {
                    bad.push(format!(
                        "terminal trace {trace} is approved twice: rows #{other} and #{}",
                        c.id
                    ));
                }
                match truth.booked.get(&trace) {
                    None => bad.push(format!(
                        "card row #{} (trace {trace}, {}) is approved but the terminal never booked it",
                        c.id, c.amount_minor
                    )),
                    Some(t) => {
                        if i64::try_from(t.amount_minor).ok() != Some(c.amount_minor)
                            || Some(t.receipt_no) != c.fields.receipt_no
                        {
                            bad.push(format!(
                                "card row #{} differs from the terminal's trace {trace}: {t:?}",
                                c.id
                            ));
                        }
                    }
                }
            }
            CardState::Declined | CardState::Cancelled => {}
        }
    }
    for t in truth.payments() {
        if approved_traces.contains_key(&t.trace) {
            continue;
        }
        let flagged = cards
            .iter()
            .any(|c| c.state == CardState::InDoubt && i64::try_from(t.amount_minor).ok() == Some(c.amount_minor));
        if !flagged {
            bad.push(format!(
                "the terminal booked payment trace {} receipt {} ({}) but the ledger has no approved row for it",
                t.trace, t.receipt_no, t.amount_minor
            ));
        }
    }
}

/// Batches: none lost; each settled one was settled by an end-of-day the terminal really ran,
/// and holds exactly the payments that end-of-day covered; unsettled payments are still in the
/// terminal's batch, or in an end-of-day whose batch is still Settling (finished by the next
/// settle).
fn batches(store: &Store, truth: &Truth, tally: &mut Tally, bad: &mut Vec<String>) {
    let mut settled_by: BTreeMap<u32, i64> = BTreeMap::new();
    for b in store.batch_history(100_000).expect("batches") {
        let rows = store.batch_cards(b.id).expect("batch cards");
        let approved: Vec<&CardJournal> = rows.iter().filter(|c| c.state == CardState::Approved).collect();
        match b.state {
            BatchState::Lost => bad.push(format!("batch #{} is lost", b.id)),
            BatchState::Settled => {
                tally.settled_batches += 1;
                if !b.reconciliation.as_ref().is_some_and(|r| r.is_match()) {
                    bad.push(format!(
                        "settled batch #{} does not reconcile: {:?}",
                        b.id, b.reconciliation
                    ));
                }
                let totals = b.totals_id.and_then(|id| store.terminal_totals(id).expect("totals"));
                let Some(trace) = totals.as_ref().and_then(|t| t.trace) else {
                    bad.push(format!("settled batch #{} has no end-of-day trace", b.id));
                    continue;
                };
                if !truth.settlements.contains_key(&trace) {
                    bad.push(format!(
                        "batch #{} is settled by end-of-day trace {trace}, which the terminal never carried out \
                         (its batch still holds {:?})",
                        b.id, truth.open
                    ));
                }
                if let Some(other) = settled_by.insert(trace, b.id) {
                    bad.push(format!(
                        "end-of-day trace {trace} settled two batches: #{other} and #{}",
                        b.id
                    ));
                }
                for c in &approved {
                    let covered = c.fields.receipt_no.map(|r| truth.settled_in(r)).unwrap_or_default();
                    if covered != [trace] {
                        bad.push(format!(
                            "card row #{} is in batch #{} (end-of-day {trace}) but the terminal settled it in {covered:?}",
                            c.id, b.id
                        ));
                    }
                }
            }
            state => {
                for c in &approved {
                    let in_open = c.fields.trace.is_some_and(|t| truth.open.contains(&t));
                    let settling = matches!(state, BatchState::Settling | BatchState::Failed)
                        && c.fields.receipt_no.is_some_and(|r| truth.settled_in(r).len() == 1);
                    if !in_open && !settling {
                        bad.push(format!(
                            "card row #{} is in unsettled batch #{} ({state:?}) but not in the terminal's batch",
                            c.id, b.id
                        ));
                    }
                }
            }
        }
    }
    let unseen: BTreeSet<u32> = truth
        .settlements
        .iter()
        .filter(|(_, s)| s.totals.receipt_start != 0)
        .map(|(t, _)| *t)
        .filter(|t| !settled_by.contains_key(t))
        .collect();
    for trace in unseen {
        let waiting = store
            .unsettled_batches()
            .expect("batches")
            .iter()
            .any(|b| matches!(b.state, BatchState::Settling | BatchState::Failed));
        if !waiting {
            bad.push(format!(
                "the terminal's end-of-day trace {trace} settled no batch of the ledger"
            ));
        }
    }
}
