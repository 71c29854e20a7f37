//! Tillguard: a point-of-sale for shop counters whose settlement guard keeps card batches
//! from being cleared unsettled. See DESIGN.md in the project documentation for the layout.

pub mod catalog;
pub mod clock;
pub mod money;
pub mod sale;
pub mod audit;
pub mod config;
pub mod settlement;
pub mod store;
pub mod printer;
pub mod till;
pub mod i18n;
pub mod cli;
pub mod ui;
