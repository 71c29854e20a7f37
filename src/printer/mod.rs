//! Receipts and reports: pure layout into a document, ESC/POS bytes, the links to printers.

mod card_section;
pub mod charset;
pub mod doc;
pub mod encode;
pub mod incident_page;
pub mod layout;
pub mod link;
pub mod pages;
pub mod raster;
pub mod spec;
pub mod status;
pub mod text;
