//! Test support for what Tillguard sends to ESC/POS printers: a decoder written from the
//! ESC/POS reference ([`escpos`]) and fake printers ([`fake`]). Use with `mod printer_support;`.
#![allow(dead_code)]

pub mod escpos;
pub mod fake;
