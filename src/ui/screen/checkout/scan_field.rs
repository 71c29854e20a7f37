//! The barcode field's text, kept right when a scanner is faster than the screen.
//!
//! iced hands a whole batch of key events to the widgets built by the last `view`, and only
//! rebuilds them after the batch's messages are processed. A text input keeps editing its
//! own copy of the value during the batch: after Enter submits "A" and the state clears,
//! the next digits of the following scan arrive as "A2", "A20", … So every message carries
//! the epoch of the view that built the widget (bumped whenever text is consumed), and text
//! from a widget older than the last consumption has the consumed prefix cut off.

#[derive(Debug, Default)]
pub struct ScanField {
    text: String,
    epoch: u64,
    /// The epoch of the widget whose text was last consumed, and its full text at that time.
    consumed: Option<(u64, String)>,
}

impl ScanField {
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The epoch to capture in the widget's callbacks when the view is built.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The widget built at `epoch` reports its full value.
    pub fn changed(&mut self, epoch: u64, value: String) {
        self.text = match &self.consumed {
            Some((at, prefix)) if epoch == *at && epoch != self.epoch && value.starts_with(prefix.as_str()) => {
                value[prefix.len()..].to_string()
            }
            _ => value,
        };
    }

    /// Takes the text the widget built at `epoch` holds beyond what was taken before
    /// (a submit, or a "+" consumed as a shortcut).
    pub fn take_from_widget(&mut self, epoch: u64) -> String {
        let taken = std::mem::take(&mut self.text);
        let full = match self.consumed.take() {
            // The same stale widget again: its value still holds the earlier text too.
            Some((at, prefix)) if at == epoch && epoch != self.epoch => prefix + &taken,
            _ => taken.clone(),
        };
        self.consumed = Some((epoch, full));
        self.epoch += 1;
        taken
    }

    /// Takes text typed while the field had no focus (the widget never saw it).
    pub fn take_typed(&mut self) -> String {
        std::mem::take(&mut self.text)
    }

    pub fn push_str(&mut self, typed: &str) {
        self.text.push_str(typed);
    }

    pub fn clear(&mut self) {
        self.text.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::ScanField;

    /// Replays what one stale text input sends when several scans land in one batch.
    #[test]
    fn scans_in_one_batch_are_split_at_each_enter() {
        let mut field = ScanField::default();
        let view_epoch = field.epoch();
        let mut widget = String::new();
        let mut taken = Vec::new();
        for code in ["2000000010106", "2000000020204", "2000000010106"] {
            for c in code.chars() {
                widget.push(c);
                field.changed(view_epoch, widget.clone());
            }
            taken.push(field.take_from_widget(view_epoch));
        }
        assert_eq!(taken, ["2000000010106", "2000000020204", "2000000010106"]);
        assert_eq!(field.text(), "");

        // After the rebuild the widget starts from the (empty) state again.
        let fresh = field.epoch();
        field.changed(fresh, "2".into());
        assert_eq!(field.text(), "2");
        assert_eq!(field.take_from_widget(fresh), "2");
    }

    #[test]
    fn a_fresh_widget_scanning_the_same_code_again_is_not_cut() {
        let mut field = ScanField::default();
        let first = field.epoch();
        field.changed(first, "2000000010106".into());
        assert_eq!(field.take_from_widget(first), "2000000010106");
        let second = field.epoch();
        field.changed(second, "2000000010106".into());
        assert_eq!(field.text(), "2000000010106");
    }
}
