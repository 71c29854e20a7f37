//! Card terminals: the ZVT protocol, the session that drives a payment, and a simulated
//! terminal for demo mode and tests.

// pub mod connect;  (enabled once the codec and links land)
// pub mod outcome;  (enabled once the codec and links land)
// pub mod session;  (enabled once the codec and links land)
pub mod spec;
pub mod zvt;
// pub mod zvt_terminal;  (enabled once the codec and links land)


