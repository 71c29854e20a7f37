//! Card terminals: the ZVT protocol, the session that drives a payment, and a simulated
//! terminal for demo mode and tests.

pub mod spec;
pub mod zvt;
