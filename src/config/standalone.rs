//! `[terminal] kind = "standalone"`: a card terminal with no cable to the till (an acquirer's
//! countertop or mobile machine). The cashier types what its slips say; settling it is a
//! guided procedure on the terminal whose slip totals the till reconciles.

/// A standalone terminal as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standalone {
    /// What the staff call it ("counter POS"); names its batches in the ledger.
    pub name: String,
    /// The acquiring bank or company ("UnionPay Merchant Services"), for the claim list.
    pub acquirer: String,
    /// The terminal id printed on its slips (终端号), for the claim list.
    pub terminal_id: String,
    /// Its slips print a voucher (trace) number (凭证号): then each payment needs it, and the
    /// settlement slip's voucher range is reconciled. Otherwise a free reference is typed.
    pub voucher_on_slip: bool,
}

/// What a standalone terminal's journal name starts with.
pub const JOURNAL_PREFIX: &str = "standalone ";

/// Longest name, acquirer or terminal id kept (they print on one receipt line).
pub const TEXT_MAX: usize = 40;

impl Standalone {
    /// The batch and card-journal name of this terminal.
    pub fn journal_name(&self) -> String {
        format!("{JOURNAL_PREFIX}{}", self.name)
    }

    pub(super) fn check(
        name: Option<String>,
        acquirer: Option<String>,
        terminal_id: Option<String>,
        voucher_on_slip: Option<bool>,
    ) -> Result<Standalone, String> {
        let text = |field: &str, value: Option<String>, default: &str| -> Result<String, String> {
            let v = value.unwrap_or_else(|| default.to_string()).trim().to_string();
            if v.chars().count() > TEXT_MAX || v.chars().any(char::is_control) {
                return Err(format!(
                    "[terminal] {field}: '{v}' must be at most {TEXT_MAX} characters, without control characters"
                ));
            }
            Ok(v)
        };
        let name = text("name", name, "standalone")?;
        if name.is_empty() {
            return Err("[terminal] name: a standalone terminal needs a name".into());
        }
        Ok(Standalone {
            name,
            acquirer: text("acquirer", acquirer, "")?,
            terminal_id: text("terminal_id", terminal_id, "")?,
            voucher_on_slip: voucher_on_slip.unwrap_or(true),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_limits() {
        let s = Standalone::check(None, None, None, None).expect("defaults");
        assert_eq!(s.name, "standalone");
        assert!(s.voucher_on_slip);
        assert_eq!(s.journal_name(), "standalone standalone");
        let long = "x".repeat(TEXT_MAX + 1);
        let e = Standalone::check(None, Some(long), None, None).expect_err("too long");
        assert!(e.contains("[terminal] acquirer"), "{e}");
        let e = Standalone::check(Some("  ".into()), None, None, None).expect_err("empty");
        assert!(e.contains("needs a name"), "{e}");
        let e = Standalone::check(None, None, Some("a\tb".into()), None).expect_err("control");
        assert!(e.contains("[terminal] terminal_id"), "{e}");
    }
}
