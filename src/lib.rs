//! Tillguard: a point-of-sale for shop counters whose settlement guard keeps card batches
//! from being cleared unsettled. See DESIGN.md in the project documentation for the layout.

pub mod audit;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod i18n;
pub mod money;
pub mod printer;
pub mod sale;
pub mod settlement;
pub mod store;
pub mod till;
pub mod ui;
