//! What the simulated terminal keeps in its memory: the batch (transactions booked since the
//! last end-of-day), the number counters, the ECR's registration, and the batches an
//! auto-clear threw away. Pure data; `store.rs` writes it to disk.
//!
//! Totals (BMP 60 and the grand total of an end-of-day):
//! - an approved payment counts once in its scheme and adds its amount;
//! - a refund counts once in its scheme and *subtracts* its amount (the batch is net turnover);
//! - a reversed payment and the reversal itself count nowhere (the payment never happened);
//! - BCD totals cannot be negative, so a scheme whose refunds exceed its payments shows 0;
//!   the grand total stays the true net (0 if the whole batch is negative), so in that rare
//!   case it is less than the sum of the scheme totals.
//!
//! The receipt range is the first and the last receipt number booked in the batch (reversals
//! and refunds included), in booking order so that a counter wrapping 9999 -> 1 stays right.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Card schemes in BMP 60 order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    Girocard,
    Jcb,
    Mastercard,
    Amex,
    Visa,
    Diners,
    Other,
}

impl Scheme {
    pub const ALL: [Scheme; 7] = [
        Scheme::Girocard,
        Scheme::Jcb,
        Scheme::Mastercard,
        Scheme::Amex,
        Scheme::Visa,
        Scheme::Diners,
        Scheme::Other,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Payment,
    Refund,
    Reversal,
}

/// What the simulated card reader read (all of it made up, deterministically, from the trace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub scheme: Scheme,
    /// Masked PAN, masked digits as '*' (sent as 'E' nibbles in BMP 22).
    pub pan: String,
    /// BMP 8A.
    pub card_type: u8,
    /// BMP 8B.
    pub name: String,
    /// "YYMM".
    pub expiry: String,
    pub sequence: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    pub kind: Kind,
    pub trace: u32,
    pub receipt_no: u32,
    pub turnover_no: u32,
    pub amount_minor: u64,
    pub currency: u16,
    pub card: Card,
    /// The host's approval code (BMP 3B).
    pub auth_code: String,
    #[serde(with = "timestamp")]
    pub time: Timestamp,
    /// A payment that a later reversal cancelled.
    #[serde(default)]
    pub reversed: bool,
    /// For a reversal: the payment it cancels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_trace: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_receipt: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeTotal {
    pub scheme: Scheme,
    pub count: u32,
    pub amount_minor: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub receipt_start: u32,
    pub receipt_end: u32,
    /// Only schemes with at least one counted transaction, in BMP 60 order.
    pub per_scheme: Vec<SchemeTotal>,
    pub total_minor: u64,
}

impl Totals {
    pub fn scheme(&self, scheme: Scheme) -> Option<&SchemeTotal> {
        self.per_scheme.iter().find(|t| t.scheme == scheme)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub transactions: Vec<Transaction>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.transactions.is_empty()
    }

    pub fn find_receipt(&self, receipt_no: u32) -> Option<&Transaction> {
        self.transactions
            .iter()
            .find(|t| t.receipt_no == receipt_no && t.kind != Kind::Reversal)
    }

    pub fn totals(&self) -> Totals {
        let mut net: Vec<(Scheme, u32, i128)> = Vec::new();
        for t in &self.transactions {
            let signed = match t.kind {
                Kind::Payment if !t.reversed => i128::from(t.amount_minor),
                Kind::Refund => -i128::from(t.amount_minor),
                Kind::Payment | Kind::Reversal => continue,
            };
            match net.iter_mut().find(|(s, _, _)| *s == t.card.scheme) {
                Some(entry) => {
                    entry.1 = entry.1.saturating_add(1);
                    entry.2 += signed;
                }
                None => net.push((t.card.scheme, 1, signed)),
            }
        }
        net.sort_by_key(|(s, _, _)| *s);
        let per_scheme: Vec<SchemeTotal> = net
            .into_iter()
            .map(|(scheme, count, amount)| SchemeTotal {
                scheme,
                count,
                amount_minor: u64::try_from(amount.max(0)).unwrap_or(u64::MAX),
            })
            .collect();
        // The grand total is the true net (payments minus refunds), not the sum of the clamped
        // scheme totals, so it still matches the ledger when one scheme went below zero.
        let net_total: i128 = self
            .transactions
            .iter()
            .map(|t| match t.kind {
                Kind::Payment if !t.reversed => i128::from(t.amount_minor),
                Kind::Refund => -i128::from(t.amount_minor),
                Kind::Payment | Kind::Reversal => 0,
            })
            .sum();
        let total_minor = u64::try_from(net_total.max(0)).unwrap_or(u64::MAX);
        Totals {
            receipt_start: self.transactions.first().map_or(0, |t| t.receipt_no),
            receipt_end: self.transactions.last().map_or(0, |t| t.receipt_no),
            per_scheme,
            total_minor,
        }
    }
}

/// The BCD widths of the counters: trace 3 bytes, receipt 2 bytes, turnover record 3 bytes.
pub const MAX_TRACE: u32 = 999_999;
pub const MAX_RECEIPT: u32 = 9_999;
pub const MAX_TURNOVER: u32 = 999_999;

/// The next numbers to hand out. A number is used up when it is first sent to the ECR, booked
/// or not, so a receipt number the ECR may have journaled is never given to another payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    pub next_trace: u32,
    pub next_receipt: u32,
    pub next_turnover: u32,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            next_trace: 1,
            next_receipt: 1,
            next_turnover: 1,
        }
    }
}

fn take(next: &mut u32, max: u32) -> u32 {
    let value = if (1..=max).contains(next) { *next } else { 1 };
    *next = if value >= max { 1 } else { value + 1 };
    value
}

impl Counters {
    pub fn take_trace(&mut self) -> u32 {
        take(&mut self.next_trace, MAX_TRACE)
    }

    pub fn take_receipt(&mut self) -> u32 {
        take(&mut self.next_receipt, MAX_RECEIPT)
    }

    pub fn take_turnover(&mut self) -> u32 {
        take(&mut self.next_turnover, MAX_TURNOVER)
    }

    /// Names the first counter out of its BCD range (a hand-edited state file).
    pub fn check(&self) -> Result<(), String> {
        for (name, value, max) in [
            ("next_trace", self.next_trace, MAX_TRACE),
            ("next_receipt", self.next_receipt, MAX_RECEIPT),
            ("next_turnover", self.next_turnover, MAX_TURNOVER),
        ] {
            if !(1..=max).contains(&value) {
                return Err(format!("counters.{name} is {value}, outside 1..={max}"));
            }
        }
        Ok(())
    }
}

/// A batch the terminal cleared without an end-of-day: the money the shop must now claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostBatch {
    #[serde(with = "timestamp")]
    pub cleared_at: Timestamp,
    /// The local date of the clear, "YYYY-MM-DD".
    pub date: String,
    pub totals: Totals,
    pub transactions: Vec<Transaction>,
}

/// The last end-of-day: when and with what totals (for logs and tests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    #[serde(with = "timestamp")]
    pub at: Timestamp,
    pub trace: u32,
    pub totals: Totals,
}

/// Registration config byte used until an ECR registers: intermediate status wanted (08),
/// ECR prints payment receipts (02), receipts as print lines (80).
pub const DEFAULT_ECR_CONFIG: u8 = 0x8A;

pub const STATE_VERSION: u32 = 1;

/// Everything persisted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    pub counters: Counters,
    /// The config byte of the last Registration (06 00).
    pub ecr_config: u8,
    /// Auto-clears up to this instant have been looked at.
    #[serde(default, with = "timestamp::option")]
    pub checked_through: Option<Timestamp>,
    pub batch: Batch,
    /// The last booked transaction, for Repeat Receipt (06 20); survives an end-of-day.
    #[serde(default)]
    pub last: Option<Transaction>,
    #[serde(default)]
    pub last_settlement: Option<Settlement>,
    #[serde(default)]
    pub lost_batches: Vec<LostBatch>,
    /// An automatic end-of-day whose totals the ECR has not yet acknowledged; reported in
    /// the next Status Enquiry.
    #[serde(default)]
    pub unreported_settlement: Option<Settlement>,
}

impl Default for State {
    fn default() -> Self {
        State {
            version: STATE_VERSION,
            counters: Counters::default(),
            ecr_config: DEFAULT_ECR_CONFIG,
            checked_through: None,
            batch: Batch::default(),
            last: None,
            last_settlement: None,
            lost_batches: Vec::new(),
            unreported_settlement: None,
        }
    }
}

impl State {
    /// Rejects what serde cannot: versions and numbers the terminal could never have written.
    pub fn check(&self) -> Result<(), String> {
        if self.version != STATE_VERSION {
            return Err(format!(
                "version is {}, this simulator reads version {STATE_VERSION}",
                self.version
            ));
        }
        self.counters.check()?;
        for (i, t) in self.batch.transactions.iter().enumerate() {
            if t.trace == 0 || t.trace > MAX_TRACE || t.receipt_no == 0 || t.receipt_no > MAX_RECEIPT {
                return Err(format!(
                    "batch.transactions[{i}] has trace {} / receipt {} out of range",
                    t.trace, t.receipt_no
                ));
            }
        }
        Ok(())
    }
}

/// Timestamps as RFC 3339 text (jiff's serde feature is not enabled in this crate).
mod timestamp {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(t)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(d)?;
        text.parse()
            .map_err(|e| serde::de::Error::custom(format!("'{text}' is not a timestamp: {e}")))
    }

    pub mod option {
        use jiff::Timestamp;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.collect_str(t),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
            match Option::<String>::deserialize(d)? {
                None => Ok(None),
                Some(text) => text
                    .parse()
                    .map(Some)
                    .map_err(|e| serde::de::Error::custom(format!("'{text}' is not a timestamp: {e}"))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx(kind: Kind, receipt_no: u32, amount_minor: u64, scheme: Scheme) -> Transaction {
        Transaction {
            kind,
            trace: receipt_no,
            receipt_no,
            turnover_no: receipt_no,
            amount_minor,
            currency: 978,
            card: Card {
                scheme,
                pan: "545454******0001".into(),
                card_type: 6,
                name: "Mastercard".into(),
                expiry: "2812".into(),
                sequence: 0,
            },
            auth_code: "123456".into(),
            time: Timestamp::UNIX_EPOCH,
            reversed: false,
            original_trace: None,
            original_receipt: None,
        }
    }

    #[test]
    fn totals_net_refunds_and_skip_reversed_payments() {
        let mut reversed = tx(Kind::Payment, 3, 700, Scheme::Visa);
        reversed.reversed = true;
        let batch = Batch {
            transactions: vec![
                tx(Kind::Payment, 1, 1000, Scheme::Mastercard),
                tx(Kind::Payment, 2, 250, Scheme::Mastercard),
                reversed,
                tx(Kind::Reversal, 4, 700, Scheme::Visa),
                tx(Kind::Refund, 5, 100, Scheme::Mastercard),
                tx(Kind::Payment, 6, 999, Scheme::Girocard),
                tx(Kind::Refund, 7, 50, Scheme::Visa),
            ],
        };
        let totals = batch.totals();
        assert_eq!((totals.receipt_start, totals.receipt_end), (1, 7));
        assert_eq!(
            totals.per_scheme,
            vec![
                SchemeTotal {
                    scheme: Scheme::Girocard,
                    count: 1,
                    amount_minor: 999
                },
                SchemeTotal {
                    scheme: Scheme::Mastercard,
                    count: 3,
                    amount_minor: 1150
                },
                // Refunds beyond the payments: BCD has no sign, so the scheme shows 0.
                SchemeTotal {
                    scheme: Scheme::Visa,
                    count: 1,
                    amount_minor: 0
                },
            ]
        );
        // 1000 + 250 - 100 + 999 - 50: the Visa refund still counts in the grand total.
        assert_eq!(totals.total_minor, 2099);
    }

    #[test]
    fn empty_batch_has_zero_totals() {
        assert_eq!(Batch::default().totals(), Totals::default());
    }

    #[test]
    fn counters_wrap_to_one() {
        let mut c = Counters {
            next_trace: MAX_TRACE,
            next_receipt: MAX_RECEIPT,
            next_turnover: 0,
        };
        assert_eq!((c.take_trace(), c.take_trace()), (MAX_TRACE, 1));
        assert_eq!((c.take_receipt(), c.take_receipt()), (MAX_RECEIPT, 1));
        // An out-of-range value (never written by us) restarts at 1 rather than panicking.
        assert_eq!(c.take_turnover(), 1);
        assert!(
            Counters {
                next_receipt: 10_000,
                ..Counters::default()
            }
            .check()
            .unwrap_err()
            .contains("next_receipt")
        );
    }

    #[test]
    fn state_round_trips_through_json() {
        let mut state = State::default();
        state
            .batch
            .transactions
            .push(tx(Kind::Payment, 1, 1000, Scheme::Mastercard));
        state.checked_through = Some(Timestamp::UNIX_EPOCH);
        let text = serde_json::to_string_pretty(&state).unwrap();
        assert!(text.contains("\"scheme\": \"mastercard\""), "{text}");
        assert!(text.contains("1970-01-01T00:00:00Z"), "{text}");
        let back: State = serde_json::from_str(&text).unwrap();
        assert_eq!(back, state);
        assert_eq!(back.check(), Ok(()));
    }
}
