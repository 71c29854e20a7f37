//! One module per screen, each with its own State, Message, update and view.

pub mod checkout;
pub mod end_of_day;
pub mod refund;
pub mod reports;
