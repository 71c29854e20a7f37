//! Sales: cart, discounts, totals, tenders and refunds. Pure: no I/O, no clock.

mod cart;
mod discount;
pub mod manual_card;
mod record;
mod refund;
pub mod slip_card;
mod tender;
mod totals;

pub use cart::{Cart, CartLine, MAX_LINES, MAX_QUANTITY};
pub use discount::{Discount, DiscountKind};
pub use manual_card::{ManualCard, ManualCardError};
pub use record::{CardDetails, Kind, Payment, PaymentMethod, PaymentState, RecordedLine, SaleDraft, SaleRecord};
pub use refund::{RefundRequest, build_refund, left_to_refund};
pub use slip_card::{Scheme, SlipCard, SlipCardError};
pub use tender::{CashTender, pay_cash};
pub use totals::{LineTotal, TaxAmount, Totals, allocate, taxes_by_rate};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaleError {
    #[error("quantity {0} is not allowed (1 to {max})", max = MAX_QUANTITY)]
    Quantity(i64),
    #[error("the cart has no line {0}")]
    NoSuchLine(usize),
    #[error("the cart is empty")]
    EmptyCart,
    #[error("the cart is full ({max} lines)", max = MAX_LINES)]
    CartFull,
    #[error("{0}")]
    Discount(String),
    #[error("cash {given} is less than the total {due}")]
    InsufficientCash { given: String, due: String },
    #[error("{0}")]
    Refund(String),
}
