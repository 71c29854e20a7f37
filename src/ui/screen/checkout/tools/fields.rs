//! Typing and Enter in the panels' fields, and a scan fired into one (`Leftover`).

use super::discount::{is_removal, picked_reason};
use super::{DiscountForm, FIELD_MAX, Panel};
use crate::i18n::I18n;
use crate::till::Till;
use crate::ui::screen::checkout::{Field, MIN_SCAN_LEN, Message, State};
use iced::Task;

/// A panel field whose Enter took a scan and closed the panel. Its widget lives on until
/// the screen is rebuilt and keeps sending its whole (growing) text: what follows the part
/// already taken belongs to the barcode field.
#[derive(Debug)]
pub(in crate::ui::screen::checkout) struct Leftover {
    field: Field,
    taken: String,
}

impl State {
    /// Whether this field is on screen now.
    fn field_shown(&self, field: Field) -> bool {
        match (&self.panel, field) {
            (Some(Panel::Discount(form)), Field::DiscountValue | Field::DiscountReason) => form.pin.is_none(),
            (Some(Panel::Discount(form)), Field::Pin) => form.pin.is_some(),
            (Some(Panel::Remove(_)), Field::Pin) => true,
            _ => false,
        }
    }

    pub(super) fn field_changed(&mut self, field: Field, text: String) -> Task<Message> {
        if !self.field_shown(field) {
            self.leftover_changed(field, text);
            return Task::none();
        }
        let text: String = text.chars().take(FIELD_MAX).collect();
        self.focus = field;
        match (&mut self.panel, field) {
            (Some(Panel::Discount(form)), Field::DiscountValue) => form.value = text,
            (Some(Panel::Discount(form)), Field::DiscountReason) => form.reason = text,
            (Some(Panel::Discount(DiscountForm { pin: Some(pin), .. })), Field::Pin) => *pin = text,
            (Some(Panel::Remove(form)), Field::Pin) => form.pin = text,
            _ => {}
        }
        Task::none()
    }

    /// Text from a panel field that is gone: the rest of a scan goes to the barcode field.
    fn leftover_changed(&mut self, field: Field, value: String) {
        let rest = match &self.leftover {
            Some(l) if l.field == field && value.starts_with(l.taken.as_str()) => value[l.taken.len()..].to_string(),
            _ => value,
        };
        self.scan.clear();
        self.scan.push_str(&rest);
        self.focus = Field::Scan;
    }

    /// Enter in a panel field (or, `StrayEnter`, with the keyboard recorded there).
    pub(in crate::ui::screen::checkout) fn field_submitted(&mut self, till: &mut Till, i18n: &I18n, field: Field) {
        if !self.field_shown(field) {
            // A gone field's Enter ends the scan its text went on to.
            let input = self.scan.take_typed();
            if let Some(l) = self.leftover.as_mut().filter(|l| l.field == field) {
                l.taken.push_str(&input);
            }
            self.focus = Field::Scan;
            self.submit_scan(till, i18n, input);
            return;
        }
        let typed = match (&self.panel, field) {
            (Some(Panel::Discount(form)), Field::DiscountValue) => form.value.clone(),
            (Some(Panel::Discount(form)), Field::DiscountReason) => form.reason.clone(),
            (Some(Panel::Discount(form)), Field::Pin) => form.pin.clone().unwrap_or_default(),
            (Some(Panel::Remove(form)), Field::Pin) => form.pin.clone(),
            _ => return,
        };
        if let Some(code) = scanned_code(till, &typed) {
            // A scanner fired into the panel: the scan wins and the panel closes.
            self.close_panel();
            self.leftover = Some(Leftover { field, taken: typed });
            self.add(till, i18n, &code);
            if self.error.is_none() {
                let added = self.notice.take().unwrap_or_default();
                self.notice = Some(i18n.t_args("tools-scan-in-panel", &[("added", added)]));
            }
            return;
        }
        match field {
            Field::DiscountValue => {
                let reason_missing = matches!(&self.panel, Some(Panel::Discount(f)) if f.reason.trim().is_empty());
                let removing = matches!(&self.panel, Some(Panel::Discount(f)) if is_removal(&f.value));
                if reason_missing && !removing {
                    // Next the reason; Enter there applies.
                    self.focus = Field::DiscountReason;
                    if let Some(Panel::Discount(form)) = &mut self.panel {
                        form.error = Some(i18n.t("tools-error-reason"));
                    }
                } else {
                    self.apply_discount(till, i18n, None);
                }
            }
            Field::DiscountReason => {
                if let Some(Panel::Discount(form)) = &mut self.panel
                    && let Some(n) = picked_reason(&form.reason)
                {
                    form.reason = i18n.t(&format!("tools-reason-{n}"));
                }
                self.apply_discount(till, i18n, None);
            }
            Field::Pin => self.pin_submitted(till, i18n),
            Field::Scan | Field::Cash => {}
        }
    }
}

/// Text typed into a panel that is a product code a scanner sent: long enough, and known.
fn scanned_code(till: &Till, typed: &str) -> Option<String> {
    let code = typed.trim();
    (code.len() >= MIN_SCAN_LEN && till.catalog().lookup(code).is_ok()).then(|| code.to_string())
}
