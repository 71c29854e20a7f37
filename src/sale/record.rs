//! A sale as it is committed and kept: lines, taxes and payments, all amounts final.

use super::{Cart, Discount, SaleError, TaxAmount};
use crate::money::{Currency, Money, TaxRate, sum};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sale,
    Refund,
}

impl Kind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Sale => "sale",
            Kind::Refund => "refund",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "sale" => Some(Kind::Sale),
            "refund" => Some(Kind::Refund),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PaymentMethod {
    Cash,
    Card,
    /// A card paid on a standalone device (no terminal, no batch): see `ManualCard`.
    ManualCard,
}

impl PaymentMethod {
    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::ManualCard => "manual_card",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentMethod> {
        match s {
            "cash" => Some(PaymentMethod::Cash),
            "card" => Some(PaymentMethod::Card),
            "manual_card" => Some(PaymentMethod::ManualCard),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentState {
    Approved,
    Declined,
    /// Asked of the terminal; outcome not yet known (recovery resolves it).
    InDoubt,
    Reversed,
}

impl PaymentState {
    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentState::Approved => "approved",
            PaymentState::Declined => "declined",
            PaymentState::InDoubt => "in_doubt",
            PaymentState::Reversed => "reversed",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentState> {
        match s {
            "approved" => Some(PaymentState::Approved),
            "declined" => Some(PaymentState::Declined),
            "in_doubt" => Some(PaymentState::InDoubt),
            "reversed" => Some(PaymentState::Reversed),
            _ => None,
        }
    }
}

/// A tender. For cash, `amount` is what stays in the drawer (given − change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub method: PaymentMethod,
    pub amount: Money,
    pub given: Option<Money>,
    pub change: Money,
    pub state: PaymentState,
    /// For card payments: what the terminal reported (journal row and receipt data).
    pub card: Option<CardDetails>,
    /// For manual card payments and refunds: what the cashier entered.
    pub manual: Option<super::ManualCard>,
}

/// A card payment as the terminal reported it in its Status-Information.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardDetails {
    /// The card-payment journal row.
    pub journal_id: i64,
    pub trace: Option<u32>,
    pub receipt_no: Option<u32>,
    pub card_type: Option<String>,
    pub card_name: Option<String>,
    pub pan: Option<String>,
    pub terminal_id: Option<String>,
    /// The slip lines the terminal sent to be printed (06 D1 / 06 D3); empty when it
    /// printed its own slip.
    pub slip: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedLine {
    pub line_no: u32,
    pub sku: String,
    pub barcode: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    /// Negative on refunds.
    pub quantity: i64,
    pub unit_price: Money,
    pub tax_rate: TaxRate,
    pub price_includes_tax: bool,
    pub gross: Money,
    pub line_discount: Money,
    pub discount_reason: Option<String>,
    pub sale_discount_share: Money,
    pub total: Money,
    /// On refunds: the original sale's line this refunds.
    pub refund_of_line: Option<u32>,
}

impl RecordedLine {
    pub fn name(&self, zh: bool) -> &str {
        crate::catalog::name_in(zh, &self.name_zh, &self.name_en)
    }
}

/// Everything about a sale except what the store assigns (id, number, day, time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleDraft {
    pub kind: Kind,
    pub refund_of: Option<i64>,
    pub currency: Currency,
    pub lines: Vec<RecordedLine>,
    pub sale_discount: Money,
    pub sale_discount_reason: Option<String>,
    pub taxes: Vec<TaxAmount>,
    pub total: Money,
    pub tax_total: Money,
    pub payments: Vec<Payment>,
}

impl SaleDraft {
    /// Freezes a cart and its payments into a draft; payments must cover the total exactly.
    pub fn from_cart(cart: &Cart, payments: Vec<Payment>) -> Result<SaleDraft, SaleError> {
        if cart.is_empty() {
            return Err(SaleError::EmptyCart);
        }
        let totals = cart.totals()?;
        let paid = sum(
            cart.currency(),
            payments
                .iter()
                .filter(|p| p.state == PaymentState::Approved)
                .map(|p| p.amount),
        );
        if paid != totals.total {
            return Err(SaleError::InsufficientCash {
                given: paid.plain(),
                due: totals.total.plain(),
            });
        }
        let lines = cart
            .lines()
            .iter()
            .zip(&totals.lines)
            .enumerate()
            .map(|(i, (line, t))| RecordedLine {
                line_no: u32::try_from(i + 1).unwrap_or(u32::MAX),
                sku: line.sku.clone(),
                barcode: line.barcode.clone(),
                name_zh: line.name_zh.clone(),
                name_en: line.name_en.clone(),
                quantity: line.quantity,
                unit_price: line.unit_price,
                tax_rate: line.tax_rate,
                price_includes_tax: line.price_includes_tax,
                gross: t.gross,
                line_discount: t.line_discount,
                discount_reason: line.discount.as_ref().map(Discount::recorded_reason),
                sale_discount_share: t.sale_discount_share,
                total: t.total,
                refund_of_line: None,
            })
            .collect();
        Ok(SaleDraft {
            kind: Kind::Sale,
            refund_of: None,
            currency: cart.currency(),
            lines,
            sale_discount: totals.sale_discount,
            sale_discount_reason: cart.sale_discount().map(Discount::recorded_reason),
            taxes: totals.taxes,
            total: totals.total,
            tax_total: totals.tax_total,
            payments,
        })
    }

    pub fn change(&self) -> Money {
        sum(self.currency, self.payments.iter().map(|p| p.change))
    }

    pub fn discount_total(&self) -> Money {
        sum(self.currency, self.lines.iter().map(|l| l.line_discount)) + self.sale_discount
    }
}

/// A committed sale or refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleRecord {
    pub id: i64,
    pub business_day: jiff::civil::Date,
    pub created_at: jiff::Timestamp,
    pub cashier: String,
    pub draft: SaleDraft,
}
