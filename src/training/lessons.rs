//! The scripted training lessons: what each asks the trainee to do, what the lesson itself
//! does to the training desk, and the check of the outcome in the training ledger since the
//! lesson started (what was booked, never which buttons were pressed). Pure: the facts are
//! read by `Till::lesson_facts`; the text lives in the .ftl files under the keys given here.

use jiff::Timestamp;
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LessonId {
    Sell,
    Refund,
    Settle,
    DeclinedCard,
    TerminalSilent,
    DayChange,
}

impl LessonId {
    pub const ALL: [LessonId; 6] = [
        LessonId::Sell,
        LessonId::Refund,
        LessonId::Settle,
        LessonId::DeclinedCard,
        LessonId::TerminalSilent,
        LessonId::DayChange,
    ];

    /// The stable name (also the middle of its text keys).
    pub fn as_str(self) -> &'static str {
        match self {
            LessonId::Sell => "sell",
            LessonId::Refund => "refund",
            LessonId::Settle => "settle",
            LessonId::DeclinedCard => "declined-card",
            LessonId::TerminalSilent => "terminal-silent",
            LessonId::DayChange => "day-change",
        }
    }

    pub fn parse(s: &str) -> Option<LessonId> {
        LessonId::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn lesson(self) -> Lesson {
        let (steps, actions): (u8, &'static [Action]) = match self {
            LessonId::Sell => (4, &[]),
            LessonId::Refund => (4, &[]),
            LessonId::Settle => (4, &[]),
            LessonId::DeclinedCard => (4, &[]),
            LessonId::TerminalSilent => (5, &[Action::TerminalOff, Action::TerminalOn]),
            LessonId::DayChange => (6, &[Action::NextBusinessDay]),
        };
        Lesson {
            id: self,
            steps,
            actions,
        }
    }

    /// The outcome check of this lesson.
    pub fn check(self, facts: &LessonFacts) -> LessonResult {
        check(self, facts)
    }
}

/// What a lesson does to the training desk (the panel carries it out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The simulated terminal stops answering.
    TerminalOff,
    /// The simulated terminal answers again.
    TerminalOn,
    /// The training clock jumps just past the next business-day cutoff.
    NextBusinessDay,
}

impl Action {
    /// The text key of the button that carries it out.
    pub fn key(self) -> &'static str {
        match self {
            Action::TerminalOff => "lesson-action-terminal-off",
            Action::TerminalOn => "lesson-action-terminal-on",
            Action::NextBusinessDay => "lesson-action-next-day",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    pub id: LessonId,
    /// How many numbered steps it has (`step_keys`).
    pub steps: u8,
    /// Buttons the trainee presses when a step says so.
    pub actions: &'static [Action],
}

impl Lesson {
    pub fn title_key(&self) -> String {
        format!("lesson-{}-title", self.id.as_str())
    }

    /// The numbered steps' text keys, in order.
    pub fn step_keys(&self) -> Vec<String> {
        (1..=self.steps)
            .map(|n| format!("lesson-{}-step-{n}", self.id.as_str()))
            .collect()
    }
}

/// How a payment or a card attempt ended, as far as the lessons care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paid {
    Cash,
    Card,
    /// A card paid on a standalone device, typed in.
    ManualCard,
}

/// One sale (not a refund) booked since the lesson started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleFact {
    pub id: i64,
    pub day: Date,
    pub at: Timestamp,
    pub lines: usize,
    /// (SKU, quantity) per line: what was sold, to recognise the same cart.
    pub items: Vec<(String, i64)>,
    /// The methods of its payments that went through.
    pub paid: Vec<Paid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundFact {
    pub id: i64,
    pub refund_of: i64,
    pub lines: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptState {
    Approved,
    /// The card or the host said no (a result code came back).
    Declined,
    /// Not booked, found so by asking the terminal, or never accepted by it.
    NotBooked,
    /// Outcome unknown until the terminal is asked.
    InDoubt,
}

/// One card payment attempt (authorization) journaled since the lesson started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardAttempt {
    pub id: i64,
    pub at: Timestamp,
    pub state: AttemptState,
    pub amount_minor: i64,
    /// The cart it was for (SKU, quantity), from the journaled sale.
    pub items: Vec<(String, i64)>,
    /// Recovery ("check with terminal") or a settlement resolved it after it went in doubt.
    pub resolved_later: bool,
}

/// A batch settled or deferred since the lesson started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFact {
    pub id: i64,
    pub first_day: Date,
    /// When it was settled, and whether the terminal's totals matched the ledger.
    pub settled: Option<(Timestamp, bool)>,
    pub deferred_at: Option<Timestamp>,
}

/// What the training ledger holds since a lesson started.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LessonFacts {
    pub sales: Vec<SaleFact>,
    pub refunds: Vec<RefundFact>,
    pub card_attempts: Vec<CardAttempt>,
    pub batches: Vec<BatchFact>,
    /// Card transactions whose outcome is unknown now (whenever they began).
    pub in_doubt_now: usize,
}

/// What a check found still missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    CashSaleTwoItems,
    Refund,
    CardSale,
    SettledMatch,
    DeclinedAttempt,
    SameCartOtherTender,
    FailedAttempt,
    StillInDoubt,
    EarlierBatchClosed,
    SaleOnNewDay,
}

impl Missing {
    /// The text key saying what to do still.
    pub fn key(self) -> &'static str {
        match self {
            Missing::CashSaleTwoItems => "lesson-missing-cash-sale-two-items",
            Missing::Refund => "lesson-missing-refund",
            Missing::CardSale => "lesson-missing-card-sale",
            Missing::SettledMatch => "lesson-missing-settled-match",
            Missing::DeclinedAttempt => "lesson-missing-declined-attempt",
            Missing::SameCartOtherTender => "lesson-missing-same-cart-other-tender",
            Missing::FailedAttempt => "lesson-missing-failed-attempt",
            Missing::StillInDoubt => "lesson-missing-still-in-doubt",
            Missing::EarlierBatchClosed => "lesson-missing-earlier-batch-closed",
            Missing::SaleOnNewDay => "lesson-missing-sale-on-new-day",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonResult {
    pub passed: bool,
    pub missing: Vec<Missing>,
}

impl LessonResult {
    fn of(missing: Vec<Missing>) -> LessonResult {
        LessonResult {
            passed: missing.is_empty(),
            missing,
        }
    }
}

/// Checks a lesson's outcome against the facts since it started.
pub fn check(id: LessonId, facts: &LessonFacts) -> LessonResult {
    let mut missing = Vec::new();
    let mut need = |ok: bool, what: Missing| {
        if !ok {
            missing.push(what);
        }
    };
    match id {
        LessonId::Sell => need(
            facts.sales.iter().any(|s| s.lines >= 2 && only(s, Paid::Cash)),
            Missing::CashSaleTwoItems,
        ),
        LessonId::Refund => need(!facts.refunds.is_empty(), Missing::Refund),
        LessonId::Settle => {
            let card_sale = facts.sales.iter().any(|s| s.paid.contains(&Paid::Card));
            need(card_sale, Missing::CardSale);
            let settled = facts.batches.iter().any(|b| matches!(b.settled, Some((_, true))));
            need(settled, Missing::SettledMatch);
        }
        LessonId::DeclinedCard => {
            let declined: Vec<&CardAttempt> = facts
                .card_attempts
                .iter()
                .filter(|a| a.state == AttemptState::Declined)
                .collect();
            need(!declined.is_empty(), Missing::DeclinedAttempt);
            let paid_otherwise = declined.iter().any(|d| {
                facts
                    .sales
                    .iter()
                    .any(|s| s.at >= d.at && same_cart(&s.items, &d.items) && !s.paid.contains(&Paid::Card))
            });
            need(paid_otherwise, Missing::SameCartOtherTender);
        }
        LessonId::TerminalSilent => {
            need(
                facts.card_attempts.iter().any(|a| a.resolved_later),
                Missing::FailedAttempt,
            );
            need(facts.in_doubt_now == 0, Missing::StillInDoubt);
        }
        LessonId::DayChange => {
            // The batch must come from a day before the one the trainee then sells on.
            let closed: Vec<(Date, Timestamp)> = facts
                .batches
                .iter()
                .filter_map(|b| {
                    let at = b.settled.map(|(at, _)| at).into_iter().chain(b.deferred_at).min()?;
                    Some((b.first_day, at))
                })
                .collect();
            let sold_later = facts
                .sales
                .iter()
                .any(|s| closed.iter().any(|(day, at)| s.day > *day && s.at >= *at));
            need(!closed.is_empty(), Missing::EarlierBatchClosed);
            need(sold_later, Missing::SaleOnNewDay);
        }
    }
    LessonResult::of(missing)
}

fn only(sale: &SaleFact, how: Paid) -> bool {
    !sale.paid.is_empty() && sale.paid.iter().all(|p| *p == how)
}

/// The same items in the same quantities, in any order.
fn same_cart(a: &[(String, i64)], b: &[(String, i64)]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    !a.is_empty() && a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn day(s: &str) -> Date {
        s.parse().expect("date")
    }

    fn sale(id: i64, at: &str, items: &[(&str, i64)], paid: &[Paid]) -> SaleFact {
        SaleFact {
            id,
            day: day("2026-11-27"),
            at: ts(at),
            lines: items.len(),
            items: items.iter().map(|(s, q)| (s.to_string(), *q)).collect(),
            paid: paid.to_vec(),
        }
    }

    #[test]
    fn every_lesson_has_a_title_steps_and_fails_on_an_empty_ledger() {
        for id in LessonId::ALL {
            assert_eq!(LessonId::parse(id.as_str()), Some(id));
            let lesson = id.lesson();
            assert!(lesson.steps >= 3, "{id:?}");
            assert_eq!(lesson.step_keys().len(), usize::from(lesson.steps));
            let result = id.check(&LessonFacts::default());
            assert!(!result.passed && !result.missing.is_empty(), "{id:?}: {result:?}");
        }
    }

    #[test]
    fn every_lesson_text_exists_in_both_languages() {
        use crate::config::Language;
        use crate::i18n::I18n;
        let missing = [
            Missing::CashSaleTwoItems,
            Missing::Refund,
            Missing::CardSale,
            Missing::SettledMatch,
            Missing::DeclinedAttempt,
            Missing::SameCartOtherTender,
            Missing::FailedAttempt,
            Missing::StillInDoubt,
            Missing::EarlierBatchClosed,
            Missing::SaleOnNewDay,
        ];
        let actions = [Action::TerminalOff, Action::TerminalOn, Action::NextBusinessDay];
        for language in [Language::Zh, Language::En] {
            let i18n = I18n::new(language);
            let mut keys: Vec<String> = missing.iter().map(|m| m.key().to_string()).collect();
            keys.extend(actions.iter().map(|a| a.key().to_string()));
            for id in LessonId::ALL {
                keys.push(id.lesson().title_key());
                keys.extend(id.lesson().step_keys());
            }
            for key in keys {
                assert_ne!(i18n.t(&key), key, "{key} in {language:?}");
            }
        }
    }

    #[test]
    fn the_sell_lesson_wants_two_lines_paid_in_cash() {
        let mut facts = LessonFacts {
            sales: vec![sale(1, "2026-11-27T10:00:00Z", &[("COLA", 2)], &[Paid::Cash])],
            ..LessonFacts::default()
        };
        assert_eq!(check(LessonId::Sell, &facts).missing, [Missing::CashSaleTwoItems]);
        facts.sales.push(sale(
            2,
            "2026-11-27T10:01:00Z",
            &[("COLA", 1), ("FOD", 1)],
            &[Paid::Card],
        ));
        assert!(!check(LessonId::Sell, &facts).passed);
        facts.sales.push(sale(
            3,
            "2026-11-27T10:02:00Z",
            &[("COLA", 1), ("FOD", 1)],
            &[Paid::Cash],
        ));
        assert!(check(LessonId::Sell, &facts).passed);
    }

    #[test]
    fn the_declined_lesson_wants_the_same_cart_paid_otherwise_after_the_decline() {
        let attempt = CardAttempt {
            id: 7,
            at: ts("2026-11-27T10:00:00Z"),
            state: AttemptState::Declined,
            amount_minor: 1013,
            items: vec![("A".into(), 1), ("B".into(), 2)],
            resolved_later: false,
        };
        let mut facts = LessonFacts {
            card_attempts: vec![attempt],
            ..LessonFacts::default()
        };
        assert_eq!(
            check(LessonId::DeclinedCard, &facts).missing,
            [Missing::SameCartOtherTender]
        );
        // Another cart paid in cash does not count; the same cart paid by card neither.
        facts
            .sales
            .push(sale(1, "2026-11-27T10:01:00Z", &[("A", 1)], &[Paid::Cash]));
        facts
            .sales
            .push(sale(2, "2026-11-27T10:01:00Z", &[("B", 2), ("A", 1)], &[Paid::Card]));
        assert!(!check(LessonId::DeclinedCard, &facts).passed);
        facts
            .sales
            .push(sale(3, "2026-11-27T10:02:00Z", &[("B", 2), ("A", 1)], &[Paid::Cash]));
        assert!(check(LessonId::DeclinedCard, &facts).passed);
    }

    #[test]
    fn the_day_change_lesson_wants_the_earlier_batch_closed_then_a_sale_on_a_later_day() {
        let mut facts = LessonFacts {
            batches: vec![BatchFact {
                id: 1,
                first_day: day("2026-11-27"),
                settled: None,
                deferred_at: Some(ts("2026-11-28T04:10:00Z")),
            }],
            ..LessonFacts::default()
        };
        assert_eq!(check(LessonId::DayChange, &facts).missing, [Missing::SaleOnNewDay]);
        // A sale on the batch's own day is not on the new day.
        facts
            .sales
            .push(sale(1, "2026-11-28T04:15:00Z", &[("A", 1)], &[Paid::Cash]));
        assert!(!check(LessonId::DayChange, &facts).passed);
        let mut next = sale(2, "2026-11-28T04:20:00Z", &[("A", 1)], &[Paid::Cash]);
        next.day = day("2026-11-28");
        facts.sales.push(next);
        assert!(check(LessonId::DayChange, &facts).passed);
    }

    #[test]
    fn the_silent_terminal_lesson_wants_an_attempt_resolved_and_nothing_left_in_doubt() {
        let mut facts = LessonFacts {
            card_attempts: vec![CardAttempt {
                id: 3,
                at: ts("2026-11-27T10:00:00Z"),
                state: AttemptState::InDoubt,
                amount_minor: 350,
                items: vec![],
                resolved_later: false,
            }],
            in_doubt_now: 1,
            ..LessonFacts::default()
        };
        assert_eq!(
            check(LessonId::TerminalSilent, &facts).missing,
            [Missing::FailedAttempt, Missing::StillInDoubt]
        );
        facts.card_attempts[0].state = AttemptState::NotBooked;
        facts.card_attempts[0].resolved_later = true;
        facts.in_doubt_now = 0;
        assert!(check(LessonId::TerminalSilent, &facts).passed);
    }
}
