//! The claim list of a Lost batch: every approved card transaction the terminal cleared
//! unsettled, with what the acquirer needs to pay it out after all.

use super::{Till, TillError};
use crate::money::Money;
use crate::settlement::batch::BatchState;
use crate::store::CardKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimLine {
    pub card_id: i64,
    /// Authorization, or a refund (which the claim gives back).
    pub kind: CardKind,
    /// Local date and time the till journaled it ("YYYY-MM-DD", "HH:MM:SS").
    pub date: String,
    pub time: String,
    pub amount: Money,
    pub trace: Option<u32>,
    pub receipt_no: Option<u32>,
    /// Masked as the terminal sent it.
    pub pan: Option<String>,
    pub card_type: Option<String>,
    pub card_name: Option<String>,
    pub terminal_id: Option<String>,
}

impl Till {
    /// Writes the claim list of Lost batch `batch_id` as CSV into `claims/` in the data folder
    /// (`claim-batch-N.csv`, replaced if there) and audits it; returns the file. For the window,
    /// whose manager has no command line; `None` folder (a ledger in memory) is refused.
    pub fn export_claim_csv(&mut self, batch_id: i64) -> Result<std::path::PathBuf, TillError> {
        let lines = self.claim_list(batch_id)?;
        let folder = self
            .data_dir()
            .map(|d| d.join("claims"))
            .ok_or_else(|| TillError::Batch("this ledger has no data folder to write the claim list to".into()))?;
        let file = folder.join(format!("claim-batch-{batch_id}.csv"));
        let written = std::fs::create_dir_all(&folder).and_then(|_| std::fs::write(&file, claim_csv(&lines)));
        written.map_err(|e| TillError::Batch(format!("cannot write the claim list to {}: {e}", file.display())))?;
        let actor = self.cashier();
        self.audit(
            &actor,
            "claim_exported",
            &format!("claim list of batch #{batch_id} written to {}", file.display()),
        )?;
        Ok(file)
    }

    /// Every approved payment (and refund) of a Lost batch; reversed payments and their
    /// reversals cancel out and are left off.
    pub fn claim_list(&self, batch_id: i64) -> Result<Vec<ClaimLine>, TillError> {
        let batch = self
            .store
            .batch(batch_id)?
            .ok_or_else(|| TillError::Batch(format!("there is no batch #{batch_id}")))?;
        if batch.state != BatchState::Lost {
            return Err(TillError::Batch(format!(
                "batch #{batch_id} is {}, not lost: a claim list is for a batch the terminal cleared unsettled",
                batch.state.as_str()
            )));
        }
        let cards = self.store.batch_cards(batch_id)?;
        let reversed: Vec<i64> = cards
            .iter()
            .filter(|c| c.kind == CardKind::Reversal)
            .filter_map(|c| c.refers_to)
            .collect();
        let tz = self.config.time_zone.clone();
        Ok(cards
            .into_iter()
            .filter(|c| c.kind != CardKind::Reversal && !reversed.contains(&c.id))
            .map(|c| {
                let local = c.created_at.to_zoned(tz.clone());
                ClaimLine {
                    card_id: c.id,
                    kind: c.kind,
                    date: local.strftime("%Y-%m-%d").to_string(),
                    time: local.strftime("%H:%M:%S").to_string(),
                    amount: Money::from_minor(c.amount_minor, self.config.currency),
                    trace: c.fields.trace,
                    receipt_no: c.fields.receipt_no,
                    pan: c.fields.pan,
                    card_type: c.fields.card_type,
                    card_name: c.fields.card_name,
                    terminal_id: c.fields.terminal_id,
                }
            })
            .collect())
    }
}

/// The claim list as CSV for the acquirer: one row per transaction, amounts as plain decimals
/// (a refund's positive, its kind says it gives back), the voucher (receipt) and trace numbers,
/// the masked card, its scheme and the terminal id.
pub fn claim_csv(lines: &[ClaimLine]) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "date",
        "time",
        "kind",
        "amount",
        "voucher",
        "trace",
        "card",
        "scheme",
        "terminal_id",
    ];
    // Writing into a Vec cannot fail; an error would only mean a bug in the csv crate.
    let _ = out.write_record(header);
    for l in lines {
        let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        let _ = out.write_record([
            l.date.clone(),
            l.time.clone(),
            l.kind.as_str().to_string(),
            l.amount.plain(),
            number(l.receipt_no),
            number(l.trace),
            l.pan.clone().unwrap_or_default(),
            l.card_type.clone().unwrap_or_default(),
            l.terminal_id.clone().unwrap_or_default(),
        ]);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}
