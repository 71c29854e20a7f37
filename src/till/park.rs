//! Parking a sale (挂单) and recalling it (取单): the cart goes into the ledger, so it
//! survives a restart, with who parked it, when, and what it came to. A recalled cart is
//! priced from the catalog as it is now; a product no longer sold is reported, not dropped
//! silently. A sale must be paid or parked before another one is recalled.

use super::Till;
use super::discount::{DiscountTarget, ToolError};
use crate::money::{Currency, Money};
use crate::sale::{Cart, CartLine, Discount, DiscountKind};
use crate::store::{NewParked, ParkedRow};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The cart as stored: what was picked and the discounts given. Prices, names and tax rates
/// are taken from the catalog on recall; the price at parking is kept to report changes.
#[derive(Debug, Serialize, Deserialize)]
struct StoredCart {
    lines: Vec<StoredLine>,
    #[serde(default)]
    sale_discount: Option<StoredDiscount>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredLine {
    sku: String,
    #[serde(default)]
    barcode: Option<String>,
    name_zh: String,
    name_en: String,
    quantity: i64,
    unit_price_minor: i64,
    #[serde(default)]
    discount: Option<StoredDiscount>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum StoredDiscount {
    Percent {
        percent: Decimal,
        reason: String,
        approved_by: Option<String>,
    },
    Amount {
        minor: i64,
        reason: String,
        approved_by: Option<String>,
    },
}

impl StoredDiscount {
    fn from_discount(d: &Discount) -> StoredDiscount {
        let (reason, approved_by) = (d.reason.clone(), d.approved_by.clone());
        match d.kind {
            DiscountKind::Percent(percent) => StoredDiscount::Percent {
                percent,
                reason,
                approved_by,
            },
            DiscountKind::Amount(amount) => StoredDiscount::Amount {
                minor: amount.minor(),
                reason,
                approved_by,
            },
        }
    }

    /// `None` when the stored values are not a valid discount (an edited ledger).
    fn to_discount(&self, currency: Currency) -> Option<Discount> {
        let (discount, approved_by) = match self {
            StoredDiscount::Percent {
                percent,
                reason,
                approved_by,
            } => (Discount::percent(*percent, reason), approved_by),
            StoredDiscount::Amount {
                minor,
                reason,
                approved_by,
            } => (
                Discount::amount(Money::from_minor(*minor, currency), reason),
                approved_by,
            ),
        };
        let mut discount = discount.ok()?;
        discount.approved_by = approved_by.clone();
        Some(discount)
    }
}

/// A parked line that could not be put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingLine {
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: i64,
    /// Still in the catalog but marked not for sale (else: gone from the catalog).
    pub inactive: bool,
}

impl MissingLine {
    pub fn name(&self, zh: bool) -> &str {
        crate::catalog::name_in(zh, &self.name_zh, &self.name_en)
    }
}

/// A recalled line whose price changed since it was parked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repriced {
    pub index: usize,
    pub was: Money,
    pub now: Money,
}

/// What recalling a parked sale put back, and what it could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recalled {
    pub id: i64,
    pub missing: Vec<MissingLine>,
    pub repriced: Vec<Repriced>,
    /// Discounts that no longer fit (a fixed amount above a lower price, or now beyond the
    /// cashier's limit without an approval): the line's name, or `None` for the sale's.
    pub dropped_discounts: Vec<Option<String>>,
}

impl Till {
    /// Parks the cart in the ledger (audited) and returns its number; the caller clears it.
    pub fn park(&mut self, cart: &Cart) -> Result<i64, ToolError> {
        if cart.is_empty() {
            return Err(ToolError::NothingToPark);
        }
        let total = cart.totals()?.total;
        let stored = StoredCart {
            lines: cart
                .lines()
                .iter()
                .map(|l| StoredLine {
                    sku: l.sku.clone(),
                    barcode: l.barcode.clone(),
                    name_zh: l.name_zh.clone(),
                    name_en: l.name_en.clone(),
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price.minor(),
                    discount: l.discount.as_ref().map(StoredDiscount::from_discount),
                })
                .collect(),
            sale_discount: cart.sale_discount().map(StoredDiscount::from_discount),
        };
        let text = serde_json::to_string(&stored).map_err(|e| ToolError::CartEncoding(e.to_string()))?;
        let by = self.cashier();
        let parked = NewParked {
            by: &by,
            lines: u32::try_from(cart.lines().len()).unwrap_or(u32::MAX),
            items: cart.lines().iter().map(|l| l.quantity).sum(),
            total,
            cart: &text,
        };
        let now = self.clock.now();
        Ok(self.store.park(&parked, now)?)
    }

    /// The parked sales, oldest first.
    pub fn parked_sales(&self) -> Result<Vec<ParkedRow>, ToolError> {
        Ok(self.store.parked_sales()?)
    }

    /// Puts parked sale `id` into the (empty) cart at today's prices and removes it from
    /// the ledger. Lines whose product is gone or no longer sold are reported in the result
    /// (and the audit log), as are price changes and discounts that no longer fit.
    pub fn recall(&mut self, cart: &mut Cart, id: i64) -> Result<Recalled, ToolError> {
        if !cart.is_empty() {
            return Err(ToolError::CartOpen);
        }
        let row = self.store.parked_sale(id)?.ok_or(ToolError::NoSuchParked(id))?;
        let damaged = |reason: String| ToolError::ParkedDamaged { id, reason };
        let stored: StoredCart = serde_json::from_str(&row.cart).map_err(|e| damaged(e.to_string()))?;
        let currency = self.config.currency;
        let mut rebuilt = self.new_cart();
        let mut recalled = Recalled {
            id,
            missing: Vec::new(),
            repriced: Vec::new(),
            dropped_discounts: Vec::new(),
        };
        for line in &stored.lines {
            let product = match self.catalog.product(&line.sku) {
                Some(p) if p.active => p,
                found => {
                    recalled.missing.push(MissingLine {
                        sku: line.sku.clone(),
                        name_zh: line.name_zh.clone(),
                        name_en: line.name_en.clone(),
                        quantity: line.quantity,
                        inactive: found.is_some(),
                    });
                    continue;
                }
            };
            // The barcode is kept only if it is still the product's.
            let barcode = line.barcode.clone().filter(|b| product.barcodes.contains(b));
            let index = rebuilt
                .push_line(CartLine {
                    sku: product.sku.clone(),
                    barcode,
                    name_zh: product.name_zh.clone(),
                    name_en: product.name_en.clone(),
                    unit_price: product.price,
                    tax_rate: product.tax_rate,
                    price_includes_tax: product.price_includes_tax,
                    quantity: line.quantity,
                    discount: None,
                })
                .map_err(|e| damaged(format!("line {}: {e}", line.sku)))?;
            let was = Money::from_minor(line.unit_price_minor, currency);
            if was != product.price {
                recalled.repriced.push(Repriced {
                    index,
                    was,
                    now: product.price,
                });
            }
            if let Some(d) = &line.discount
                && !self.restore_discount(&mut rebuilt, DiscountTarget::Line(index), d)
            {
                recalled.dropped_discounts.push(Some(product.sku.clone()));
            }
        }
        if let Some(d) = &stored.sale_discount
            && !rebuilt.is_empty()
            && !self.restore_discount(&mut rebuilt, DiscountTarget::Sale, d)
        {
            recalled.dropped_discounts.push(None);
        }
        let detail = recall_detail(&rebuilt, &recalled);
        let now = self.clock.now();
        let who = self.cashier();
        if !self.store.unpark(id, &who, &detail, now)? {
            return Err(ToolError::NoSuchParked(id));
        }
        *cart = rebuilt;
        Ok(recalled)
    }

    /// Puts a parked discount back if it still fits and is still allowed: a discount a
    /// manager approved stays approved; one the cashier gave must still be within the limit.
    fn restore_discount(&self, cart: &mut Cart, target: DiscountTarget, stored: &StoredDiscount) -> bool {
        let Some(discount) = stored.to_discount(self.config.currency) else {
            return false;
        };
        if discount.approved_by.is_none() && self.discount_needs_manager(cart, target, &discount).unwrap_or(true) {
            return false;
        }
        let result = match target {
            DiscountTarget::Line(index) => cart.set_line_discount(index, Some(discount)),
            DiscountTarget::Sale => cart.set_sale_discount(Some(discount)),
        };
        result.is_ok()
    }
}

/// The audit line for a recall: what came back and, by SKU, what did not.
fn recall_detail(cart: &Cart, recalled: &Recalled) -> String {
    let mut detail = format!("{} line(s) back", cart.lines().len());
    if !recalled.missing.is_empty() {
        let missing: Vec<String> = recalled
            .missing
            .iter()
            .map(|m| format!("{} x{}", m.sku, m.quantity))
            .collect();
        detail.push_str(&format!("; not for sale any more: {}", missing.join(", ")));
    }
    if !recalled.repriced.is_empty() {
        detail.push_str(&format!("; {} price change(s)", recalled.repriced.len()));
    }
    if !recalled.dropped_discounts.is_empty() {
        detail.push_str(&format!("; {} discount(s) dropped", recalled.dropped_discounts.len()));
    }
    detail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::config::Config;
    use crate::store::Store;
    use std::sync::Arc;

    const COLA: &str = "2000000010106"; // DRK-001, 3.50
    const WATER: &str = "2000000020204"; // DRK-002, 2.00
    const YOGHURT: &str = "2000000151502"; // FOD-010, 5.50

    fn open(path: &std::path::Path) -> Till {
        let config = Config::demo();
        let store = Store::open(path, config.currency).expect("store");
        let clock = Arc::new(ManualClock::new("2025-03-14T04:00:00Z".parse().expect("time")));
        Till::with_store(store, config, clock).expect("till")
    }

    fn cny(s: &str) -> Money {
        Money::parse(s, Currency::CNY).expect("amount")
    }

    #[test]
    fn a_parked_cart_survives_a_restart_and_comes_back_line_for_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(crate::store::FILE_NAME);
        let (id, before) = {
            let mut till = open(&path);
            let mut cart = till.new_cart();
            till.scan(&mut cart, COLA).expect("cola");
            till.scan(&mut cart, &format!("{WATER}x3")).expect("water");
            // A discounted cola line and a plain one of the same product stay two lines.
            let ten = Discount::percent(Decimal::from(10), "dented").expect("d");
            till.apply_discount(&mut cart, DiscountTarget::Line(0), ten, None)
                .expect("10 %");
            till.scan(&mut cart, COLA).expect("cola again");
            let member = Discount::amount(cny("0.50"), "member").expect("d");
            till.apply_discount(&mut cart, DiscountTarget::Sale, member, None)
                .expect("sale");
            assert_eq!(cart.lines().len(), 3);
            let id = till.park(&cart).expect("park");
            let rows = till.parked_sales().expect("list");
            assert_eq!(rows.len(), 1);
            // 3.15 + 6.00 + 3.50 - 0.50
            assert_eq!((rows[0].lines, rows[0].items, rows[0].total), (3, 5, cny("12.15")));
            assert_eq!(rows[0].parked_by, till.cashier());
            assert!(till.park(&till.new_cart()).is_err(), "an empty cart is not parked");
            (id, cart)
        };

        let mut till = open(&path);
        let mut open_cart = till.new_cart();
        till.scan(&mut open_cart, WATER).expect("water");
        assert!(matches!(till.recall(&mut open_cart, id), Err(ToolError::CartOpen)));
        assert_eq!(till.parked_sales().expect("list").len(), 1, "a refused recall keeps it");

        let mut cart = till.new_cart();
        let recalled = till.recall(&mut cart, id).expect("recall");
        assert_eq!(cart, before, "same lines, discounts and prices");
        assert!(recalled.missing.is_empty() && recalled.repriced.is_empty() && recalled.dropped_discounts.is_empty());
        assert!(till.parked_sales().expect("list").is_empty(), "a recalled sale is gone");
        let mut again = till.new_cart();
        assert!(matches!(till.recall(&mut again, id), Err(ToolError::NoSuchParked(_))));
        let sale = till.pay_cash(&cart, None).expect("paid");
        assert_eq!(sale.draft.total, cny("12.15"));
    }

    #[test]
    fn a_product_gone_or_repriced_since_parking_is_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(crate::store::FILE_NAME);
        let mut till = open(&path);
        let mut cart = till.new_cart();
        till.scan(&mut cart, &format!("{YOGHURT}x2")).expect("yoghurt");
        till.scan(&mut cart, COLA).expect("cola");
        till.scan(&mut cart, WATER).expect("water");
        let off = Discount::amount(cny("0.20"), "dented").expect("d");
        till.apply_discount(&mut cart, DiscountTarget::Line(2), off, None)
            .expect("0.20 of 2.00");
        let id = till.park(&cart).expect("park");

        // Yoghurt is taken off sale, cola costs more, water costs less (0.20 is now 13 %).
        let header = "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax,active\n";
        till.import_catalog(&format!(
            "{header}FOD-010,2000000151502,酸奶,Yoghurt,5.50,9,true,false\n\
             DRK-001,2000000010106,可乐 330ml,Cola 330ml,3.80,13,true,true\n\
             DRK-002,2000000020204,矿泉水 550ml,Mineral water 550ml,1.50,13,true,true\n"
        ))
        .expect("import");

        let mut cart = till.new_cart();
        let recalled = till.recall(&mut cart, id).expect("recall");
        assert_eq!(
            recalled.missing,
            [MissingLine {
                sku: "FOD-010".into(),
                name_zh: "酸奶".into(),
                name_en: "Yoghurt".into(),
                quantity: 2,
                inactive: true,
            }]
        );
        assert_eq!(
            recalled.repriced,
            [
                Repriced {
                    index: 0,
                    was: cny("3.50"),
                    now: cny("3.80")
                },
                Repriced {
                    index: 1,
                    was: cny("2.00"),
                    now: cny("1.50")
                }
            ]
        );
        assert_eq!(recalled.dropped_discounts, [Some("DRK-002".to_string())]);
        let skus: Vec<&str> = cart.lines().iter().map(|l| l.sku.as_str()).collect();
        assert_eq!(skus, ["DRK-001", "DRK-002"]);
        assert_eq!(cart.totals().expect("totals").total, cny("5.30"));
        assert!(till.parked_sales().expect("list").is_empty());
    }

    #[test]
    fn a_damaged_parked_cart_is_refused_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(crate::store::FILE_NAME);
        let mut till = open(&path);
        let parked = NewParked {
            by: "x",
            lines: 1,
            items: 1,
            total: cny("1"),
            cart: "{not json",
        };
        let now = till.now();
        let id = till.store.park(&parked, now).expect("row");
        let mut cart = till.new_cart();
        assert!(matches!(
            till.recall(&mut cart, id),
            Err(ToolError::ParkedDamaged { .. })
        ));
        assert!(cart.is_empty());
        assert_eq!(till.parked_sales().expect("list").len(), 1);
    }
}
