//! Settling a standalone terminal (no cable to the till): numbered steps naming the terminal,
//! then a blind form for the totals the operator copies from its settlement slip. The till's
//! own totals stay hidden until the slip is confirmed, so the slip is copied, not the screen.
//!
//! The figures are checked here with the domain's own checks first, only to word the error
//! in the operator's language; `Till::settle_standalone` checks them again and settles
//! nothing on a typo. The typed values stay in the form until it settles.

use crate::config::Standalone;
use crate::i18n::I18n;
use crate::sale::Scheme;
use crate::settlement::slip::{RANGE_MAX, SlipError, SlipText, check_settled_at};
use crate::till::{Settlement, Till};
use crate::ui::reason;
use jiff::Timestamp;

/// The slip form's fields, for focus and tests.
pub const SLIP_COUNT_ID: &str = "eod-slip-count";
pub const SLIP_AMOUNT_ID: &str = "eod-slip-amount";
pub const SLIP_FROM_ID: &str = "eod-slip-from";
pub const SLIP_TO_ID: &str = "eod-slip-to";
pub const SLIP_AT_ID: &str = "eod-slip-at";

/// Most per-scheme rows: one per scheme.
const ROWS_MAX: usize = Scheme::ALL.len();

#[derive(Debug, Clone)]
pub enum SlipEdit {
    Count(String),
    Amount(String),
    AddScheme,
    RemoveScheme(usize),
    Scheme(usize, Scheme),
    SchemeCount(usize, String),
    SchemeAmount(usize, String),
    From(String),
    To(String),
    At(String),
}

/// One per-scheme line of the slip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemeRow {
    pub scheme: Option<Scheme>,
    pub count: String,
    pub amount: String,
}

#[derive(Debug, Clone)]
pub struct SlipForm {
    pub terminal: Standalone,
    pub count: String,
    pub amount: String,
    pub schemes: Vec<SchemeRow>,
    /// The voucher range: first and last, or "A-B" typed whole into `from`.
    pub from: String,
    pub to: String,
    /// When the terminal settled: "HH:MM" (prefilled with now) or "YYYY-MM-DD HH:MM".
    pub at: String,
    pub error: Option<String>,
}

impl SlipForm {
    pub fn new(till: &Till, terminal: Standalone) -> SlipForm {
        let at = till
            .now()
            .to_zoned(till.config().time_zone.clone())
            .strftime("%H:%M")
            .to_string();
        SlipForm {
            terminal,
            count: String::new(),
            amount: String::new(),
            schemes: Vec::new(),
            from: String::new(),
            to: String::new(),
            at,
            error: None,
        }
    }

    pub fn edit(&mut self, edit: SlipEdit) {
        self.error = None;
        match edit {
            SlipEdit::Count(t) => self.count = t,
            SlipEdit::Amount(t) => self.amount = t,
            SlipEdit::AddScheme if self.schemes.len() < ROWS_MAX => self.schemes.push(SchemeRow::default()),
            SlipEdit::AddScheme => {}
            SlipEdit::RemoveScheme(i) if i < self.schemes.len() => {
                self.schemes.remove(i);
            }
            SlipEdit::RemoveScheme(_) => {}
            SlipEdit::Scheme(i, s) => self.row(i, |r| r.scheme = Some(s)),
            SlipEdit::SchemeCount(i, t) => self.row(i, |r| r.count = t),
            SlipEdit::SchemeAmount(i, t) => self.row(i, |r| r.amount = t),
            SlipEdit::From(t) => self.from = t,
            SlipEdit::To(t) => self.to = t,
            SlipEdit::At(t) => self.at = t,
        }
    }

    fn row(&mut self, i: usize, change: impl FnOnce(&mut SchemeRow)) {
        if let Some(row) = self.schemes.get_mut(i) {
            change(row);
        }
    }

    /// The slip as typed, in the domain's terms.
    pub fn text(&self) -> SlipText {
        let range = match (self.from.trim(), self.to.trim()) {
            ("", "") => String::new(),
            // One field holding "A-B" (or a lone number, which the check refuses by name).
            (one, "") | ("", one) => one.to_string(),
            (from, to) => format!("{from}-{to}"),
        };
        SlipText {
            count: self.count.clone(),
            amount: self.amount.clone(),
            per_scheme: self
                .schemes
                .iter()
                .map(|r| {
                    let scheme = r.scheme.map(|s| s.as_str().to_string()).unwrap_or_default();
                    (scheme, r.count.clone(), r.amount.clone())
                })
                .collect(),
            voucher_range: if self.terminal.voucher_on_slip {
                range
            } else {
                String::new()
            },
        }
    }

    /// Settles the batch with the typed slip; on any error nothing is settled, the error is
    /// kept in the form and `None` comes back.
    pub fn submit(&mut self, till: &mut Till, i18n: &I18n) -> Option<Settlement> {
        match self.try_settle(till, i18n) {
            Ok(settlement) => Some(settlement),
            Err(message) => {
                self.error = Some(message);
                None
            }
        }
    }

    fn try_settle(&self, till: &mut Till, i18n: &I18n) -> Result<Settlement, String> {
        let slip = self.text();
        slip.check(till.currency()).map_err(|e| slip_error(i18n, &e))?;
        let at = till
            .settled_at(&self.at)
            .map_err(|_| i18n.t_args("eod-slip-bad-time", &[("input", self.at.trim().to_string())]))?;
        self.check_time(till, at).map_err(|e| slip_error(i18n, &e))?;
        till.settle_standalone(&slip, at)
            .map_err(|e| i18n.t_args("eod-slip-failed", &[("reason", reason::till_error(i18n, &e))]))
    }

    /// Not in the future, not before the batch's first payment (worded here; the till checks again).
    fn check_time(&self, till: &Till, at: Timestamp) -> Result<(), SlipError> {
        let name = self.terminal.journal_name();
        let opened_at = till
            .unsettled_batches()
            .ok()
            .and_then(|batches| batches.into_iter().find(|b| b.terminal == name))
            .map_or(at, |b| b.opened_at);
        let tz = till.config().time_zone.clone();
        let shown = |t: Timestamp| t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string();
        check_settled_at(at, till.now(), opened_at, &shown)
    }
}

/// A slip's error in the operator's language.
pub fn slip_error(i18n: &I18n, e: &SlipError) -> String {
    let one = |id: &str, input: &str| i18n.t_args(id, &[("input", input.to_string())]);
    let range = |id: &str, from: u32, to: u32| {
        i18n.t_args(
            id,
            &[
                ("from", from.to_string()),
                ("to", to.to_string()),
                ("max", RANGE_MAX.to_string()),
            ],
        )
    };
    match e {
        SlipError::Count(t) => one("eod-slip-bad-count", t),
        SlipError::Amount(t) => one("eod-slip-bad-amount", t),
        SlipError::Scheme(t) if t.is_empty() => i18n.t("eod-slip-no-scheme"),
        SlipError::Scheme(t) => one("eod-slip-bad-scheme", t),
        SlipError::SchemeTwice(s) => one("eod-slip-scheme-twice", &scheme_label(i18n, s)),
        SlipError::SchemesDisagree {
            count,
            amount,
            total_count,
            total_amount,
        } => i18n.t_args(
            "eod-slip-schemes-disagree",
            &[
                ("count", count.to_string()),
                ("amount", amount.clone()),
                ("total_count", total_count.to_string()),
                ("total_amount", total_amount.clone()),
            ],
        ),
        SlipError::Range(t) => one("eod-slip-bad-range", t),
        SlipError::RangeBackwards(a, b) => range("eod-slip-range-backwards", *a, *b),
        SlipError::RangeWide(a, b) => range("eod-slip-range-wide", *a, *b),
        SlipError::Future(t) => one("eod-slip-future", t),
        SlipError::BeforeBatch(t, first) => i18n.t_args(
            "eod-slip-before-batch",
            &[("input", t.clone()), ("first", first.clone())],
        ),
    }
}

/// A scheme's (or the slip's "total" group's) name on screen; other names as they are.
pub fn scheme_label(i18n: &I18n, group: &str) -> String {
    if group == crate::settlement::slip::TOTAL {
        return i18n.t("eod-slip-total");
    }
    match Scheme::ALL.into_iter().find(|s| s.as_str() == group) {
        Some(s) => i18n.t(&format!("ui-scheme-{}", s.as_str())),
        None => group.to_string(),
    }
}

/// The first step's words: the terminal by name, with its id and acquirer when configured.
pub fn step_one(i18n: &I18n, terminal: &Standalone) -> String {
    let id = terminal.terminal_id.trim();
    let acquirer = terminal.acquirer.trim();
    let details = match (id.is_empty(), acquirer.is_empty()) {
        (false, false) => i18n.t_args(
            "eod-slip-details",
            &[("id", id.to_string()), ("acquirer", acquirer.to_string())],
        ),
        (false, true) => i18n.t_args("eod-slip-details-id", &[("id", id.to_string())]),
        (true, false) => i18n.t_args("eod-slip-details-acquirer", &[("acquirer", acquirer.to_string())]),
        (true, true) => i18n.t("eod-slip-details-none"),
    };
    i18n.t_args(
        "eod-slip-step1",
        &[("name", terminal.name.clone()), ("details", details)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;

    fn form(voucher_on_slip: bool) -> SlipForm {
        SlipForm {
            terminal: Standalone {
                name: "POS".into(),
                acquirer: String::new(),
                terminal_id: String::new(),
                voucher_on_slip,
            },
            count: "2".into(),
            amount: "7.00".into(),
            schemes: Vec::new(),
            from: String::new(),
            to: String::new(),
            at: String::new(),
            error: None,
        }
    }

    #[test]
    fn the_range_is_two_fields_or_one_text() {
        let mut f = form(true);
        assert_eq!(f.text().voucher_range, "");
        f.edit(SlipEdit::From("101".into()));
        f.edit(SlipEdit::To(" 103 ".into()));
        assert_eq!(f.text().voucher_range, "101-103");
        f.edit(SlipEdit::To(String::new()));
        f.edit(SlipEdit::From("101-103".into()));
        assert_eq!(f.text().voucher_range, "101-103");
        // A terminal without vouchers on its slips has no range to reconcile.
        let mut f = form(false);
        f.edit(SlipEdit::From("101-103".into()));
        assert_eq!(f.text().voucher_range, "");
    }

    #[test]
    fn scheme_rows_are_edited_by_index_and_bounded() {
        let mut f = form(true);
        for _ in 0..10 {
            f.edit(SlipEdit::AddScheme);
        }
        assert_eq!(f.schemes.len(), ROWS_MAX);
        f.edit(SlipEdit::Scheme(1, Scheme::Visa));
        f.edit(SlipEdit::SchemeCount(1, "2".into()));
        f.edit(SlipEdit::SchemeAmount(99, "1".into()));
        f.edit(SlipEdit::RemoveScheme(0));
        f.edit(SlipEdit::RemoveScheme(99));
        assert_eq!(f.schemes.len(), ROWS_MAX - 1);
        assert_eq!(f.schemes[0].scheme, Some(Scheme::Visa));
        let text = f.text();
        assert_eq!(text.per_scheme[0], ("visa".into(), "2".into(), String::new()));
        assert_eq!(text.per_scheme[1], (String::new(), String::new(), String::new()));
    }

    #[test]
    fn every_slip_error_has_words_in_both_languages() {
        let errors = [
            SlipError::Count("2x".into()),
            SlipError::Amount("x".into()),
            SlipError::Scheme(String::new()),
            SlipError::Scheme("foo".into()),
            SlipError::SchemeTwice("visa".into()),
            SlipError::SchemesDisagree {
                count: 1,
                amount: "1.00".into(),
                total_count: 2,
                total_amount: "2.00".into(),
            },
            SlipError::Range("1".into()),
            SlipError::RangeBackwards(5, 1),
            SlipError::RangeWide(1, 200_000),
            SlipError::Future("2025-03-14 23:00".into()),
            SlipError::BeforeBatch("2025-03-14 08:00".into(), "2025-03-14 09:00".into()),
        ];
        for language in [Language::Zh, Language::En] {
            let i18n = I18n::new(language);
            for e in &errors {
                let words = slip_error(&i18n, e);
                assert!(!words.starts_with("eod-slip-"), "{language:?}: {e:?} has no message");
            }
        }
        let zh = I18n::new(Language::Zh);
        assert!(slip_error(&zh, &SlipError::Count("2x".into())).contains("2x"));
        assert_eq!(scheme_label(&zh, "total"), zh.t("eod-slip-total"));
        assert_eq!(scheme_label(&zh, "girocard"), "girocard");
    }

    #[test]
    fn the_first_step_names_the_terminal_with_what_is_configured() {
        let en = I18n::new(Language::En);
        let mut terminal = form(true).terminal;
        assert_eq!(
            step_one(&en, &terminal),
            "1. On POS press 结算/Settlement and wait for the settlement slip."
        );
        terminal.terminal_id = "12345678".into();
        terminal.acquirer = "UMS".into();
        assert_eq!(
            step_one(&en, &terminal),
            "1. On POS (terminal id 12345678, acquirer UMS) press 结算/Settlement and wait for the settlement slip."
        );
        let zh = I18n::new(Language::Zh);
        assert_eq!(
            step_one(&zh, &terminal),
            "1. 在 POS（终端号 12345678，收单机构 UMS）上按“结算”，等待打印结算单。"
        );
    }
}
