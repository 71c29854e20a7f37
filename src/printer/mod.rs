//! Receipts and reports: pure layout into lines, rendered as text (ESC/POS output comes later).

mod card_section;
pub mod layout;
pub mod text;
