//! The facts a training lesson's check judges: what the ledger booked since the lesson
//! started, read through the store (nothing is written).

use super::{Till, TillError};
use crate::sale::{Kind, PaymentMethod, PaymentState, SaleRecord};
use crate::settlement::batch::BatchState;
use crate::store::{CardKind, CardState};
use crate::training::lessons::{AttemptState, BatchFact, CardAttempt, LessonFacts, Paid, RefundFact, SaleFact};
use jiff::{SignedDuration, Timestamp};

/// How far past the cutoff the day-change lesson moves the clock (clear of the instant itself).
const PAST_CUTOFF: SignedDuration = SignedDuration::from_mins(5);

impl Till {
    /// What the ledger holds since `since`, for `LessonId::check`.
    pub fn lesson_facts(&self, since: Timestamp) -> Result<LessonFacts, TillError> {
        let mut facts = LessonFacts::default();
        for sale in self.store.sales_since(since)? {
            match (sale.draft.kind, sale.draft.refund_of) {
                (Kind::Refund, Some(refund_of)) => facts.refunds.push(RefundFact {
                    id: sale.id,
                    refund_of,
                    lines: sale.draft.lines.len(),
                }),
                _ => facts.sales.push(sale_fact(&sale)),
            }
        }
        // Recovery and settlement audit every row they resolve as "card #ID ...".
        let resolved: Vec<i64> = self
            .store
            .audit_since("card_recovery", since)?
            .iter()
            .filter_map(|(_, detail)| card_id(detail))
            .collect();
        for row in self.store.cards_since(since)? {
            if row.kind != CardKind::Authorization {
                continue;
            }
            let state = match row.state {
                CardState::Approved => AttemptState::Approved,
                // Declined at the time by the card or the bank; one that recovery found not
                // booked is declined too, but was in doubt first.
                CardState::Declined if !resolved.contains(&row.id) => AttemptState::Declined,
                CardState::Declined | CardState::Cancelled => AttemptState::NotBooked,
                CardState::Pending | CardState::InDoubt => AttemptState::InDoubt,
            };
            let items = match self.store.card_sale(row.id)? {
                Some(journaled) => items(&journaled.draft.lines),
                None => Vec::new(),
            };
            facts.card_attempts.push(CardAttempt {
                id: row.id,
                at: row.created_at,
                state,
                amount_minor: row.amount_minor,
                items,
                resolved_later: resolved.contains(&row.id) && state != AttemptState::InDoubt,
            });
        }
        for (row, deferred_at) in self.store.batches_closed_since(since)? {
            let settled = match (row.state, row.closed_at) {
                (BatchState::Settled, Some(at)) if at >= since => {
                    Some((at, row.reconciliation.as_ref().is_some_and(|r| r.is_match())))
                }
                _ => None,
            };
            facts.batches.push(BatchFact {
                id: row.id,
                first_day: row.first_day,
                settled,
                deferred_at,
            });
        }
        facts.in_doubt_now = self
            .store
            .unresolved_cards()?
            .iter()
            .filter(|c| c.state != CardState::Approved)
            .count();
        Ok(facts)
    }

    /// How far the clock must move to stand just past the next business-day cutoff (the
    /// day-change lesson shifts the training clock by this).
    pub fn time_to_next_business_day(&self) -> Result<SignedDuration, TillError> {
        let (today, _) = self.business_day()?;
        let next = self.rule.next_start(today);
        Ok(next.duration_since(self.clock.now()).max(SignedDuration::ZERO) + PAST_CUTOFF)
    }
}

fn sale_fact(sale: &SaleRecord) -> SaleFact {
    let paid = sale
        .draft
        .payments
        .iter()
        .filter(|p| p.state == PaymentState::Approved)
        .map(|p| match p.method {
            PaymentMethod::Cash => Paid::Cash,
            PaymentMethod::Card => Paid::Card,
            PaymentMethod::ManualCard => Paid::ManualCard,
        })
        .collect();
    SaleFact {
        id: sale.id,
        day: sale.business_day,
        at: sale.created_at,
        lines: sale.draft.lines.len(),
        items: items(&sale.draft.lines),
        paid,
    }
}

fn items(lines: &[crate::sale::RecordedLine]) -> Vec<(String, i64)> {
    lines.iter().map(|l| (l.sku.clone(), l.quantity)).collect()
}

/// The journal row an audit detail "card #12 declined: ..." names.
fn card_id(detail: &str) -> Option<i64> {
    let rest = detail.strip_prefix("card #")?;
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::card_id;

    #[test]
    fn the_card_row_is_read_from_a_recovery_audit_detail() {
        assert_eq!(card_id("card #12 declined: not booked"), Some(12));
        assert_eq!(card_id("card #7"), Some(7));
        assert_eq!(card_id("batch #3 settled"), None);
    }
}
