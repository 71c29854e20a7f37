//! Receipts and reports: pure layout into lines, rendered as text (ESC/POS output comes later).

pub mod layout;
pub mod text;
