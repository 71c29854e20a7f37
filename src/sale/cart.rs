use super::{Discount, LineTotal, SaleError, Totals};
use crate::catalog::Product;
use crate::money::{Currency, Money, TaxRate};

/// Largest quantity on one line; larger is almost always a scanner or typing slip.
pub const MAX_QUANTITY: i64 = 9_999;
/// Largest number of lines in one cart.
pub const MAX_LINES: usize = 500;

/// One cart line: a snapshot of the product as it was sold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    pub sku: String,
    pub barcode: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    pub unit_price: Money,
    pub tax_rate: TaxRate,
    pub price_includes_tax: bool,
    pub quantity: i64,
    pub discount: Option<Discount>,
}

impl CartLine {
    pub fn name(&self, zh: bool) -> &str {
        crate::catalog::name_in(zh, &self.name_zh, &self.name_en)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cart {
    currency: Currency,
    lines: Vec<CartLine>,
    sale_discount: Option<Discount>,
}

fn check_quantity(quantity: i64) -> Result<(), SaleError> {
    if (1..=MAX_QUANTITY).contains(&quantity) {
        Ok(())
    } else {
        Err(SaleError::Quantity(quantity))
    }
}

impl Cart {
    pub fn new(currency: Currency) -> Cart {
        Cart {
            currency,
            lines: Vec::new(),
            sale_discount: None,
        }
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn lines(&self) -> &[CartLine] {
        &self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn sale_discount(&self) -> Option<&Discount> {
        self.sale_discount.as_ref()
    }

    /// Adds a product. Scanning the same product again adds to its line (if that line
    /// has no discount) so the receipt stays short. Returns the line's index.
    pub fn add(&mut self, product: &Product, quantity: i64, barcode: Option<&str>) -> Result<usize, SaleError> {
        check_quantity(quantity)?;
        if let Some(index) = self
            .lines
            .iter()
            .position(|l| l.sku == product.sku && l.discount.is_none())
        {
            let new_quantity = self.lines[index].quantity + quantity;
            check_quantity(new_quantity)?;
            self.lines[index].quantity = new_quantity;
            return Ok(index);
        }
        if self.lines.len() >= MAX_LINES {
            return Err(SaleError::CartFull);
        }
        self.lines.push(CartLine {
            sku: product.sku.clone(),
            barcode: barcode.map(str::to_string),
            name_zh: product.name_zh.clone(),
            name_en: product.name_en.clone(),
            unit_price: product.price,
            tax_rate: product.tax_rate,
            price_includes_tax: product.price_includes_tax,
            quantity,
            discount: None,
        });
        Ok(self.lines.len() - 1)
    }

    /// Puts a line back as it was (a recalled cart): never merged into another line, so a
    /// discounted and an undiscounted line of one product stay apart. The line's discount
    /// must fit it.
    pub fn push_line(&mut self, line: CartLine) -> Result<usize, SaleError> {
        check_quantity(line.quantity)?;
        if self.lines.len() >= MAX_LINES {
            return Err(SaleError::CartFull);
        }
        self.lines.push(line);
        if let Err(e) = self.totals() {
            self.lines.pop();
            return Err(e);
        }
        Ok(self.lines.len() - 1)
    }

    pub fn set_quantity(&mut self, index: usize, quantity: i64) -> Result<(), SaleError> {
        check_quantity(quantity)?;
        let line = self.lines.get_mut(index).ok_or(SaleError::NoSuchLine(index))?;
        let old = line.quantity;
        line.quantity = quantity;
        // A fixed line discount may no longer fit a smaller line: undo rather than leave it invalid.
        if let Err(e) = self.totals() {
            self.lines[index].quantity = old;
            return Err(e);
        }
        Ok(())
    }

    pub fn remove(&mut self, index: usize) -> Result<CartLine, SaleError> {
        if index >= self.lines.len() {
            return Err(SaleError::NoSuchLine(index));
        }
        let removed = self.lines.remove(index);
        if self.totals().is_err() {
            // The sale discount no longer fits the smaller cart; drop it rather than block.
            self.sale_discount = None;
        }
        Ok(removed)
    }

    pub fn set_line_discount(&mut self, index: usize, discount: Option<Discount>) -> Result<(), SaleError> {
        let line = self.lines.get_mut(index).ok_or(SaleError::NoSuchLine(index))?;
        let old = std::mem::replace(&mut line.discount, discount);
        if let Err(e) = self.totals() {
            self.lines[index].discount = old;
            return Err(e);
        }
        Ok(())
    }

    pub fn set_sale_discount(&mut self, discount: Option<Discount>) -> Result<(), SaleError> {
        let old = std::mem::replace(&mut self.sale_discount, discount);
        if let Err(e) = self.totals() {
            self.sale_discount = old;
            return Err(e);
        }
        Ok(())
    }

    pub fn clear(&mut self) {
        self.lines.clear();
        self.sale_discount = None;
    }

    pub fn totals(&self) -> Result<Totals, SaleError> {
        Totals::compute(self.currency, &self.lines, self.sale_discount.as_ref())
    }

    /// Line totals paired with their lines, for display.
    pub fn priced_lines(&self) -> Result<Vec<(&CartLine, LineTotal)>, SaleError> {
        let totals = self.totals()?;
        Ok(self.lines.iter().zip(totals.lines).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::TaxRate;

    pub(crate) fn product(sku: &str, price: &str, rate: &str, includes: bool) -> Product {
        Product {
            sku: sku.into(),
            barcodes: vec![],
            name_zh: format!("商品{sku}"),
            name_en: format!("Item {sku}"),
            price: Money::parse(price, Currency::CNY).expect("price"),
            tax_rate: TaxRate::parse(rate).expect("rate"),
            price_includes_tax: includes,
            active: true,
            category: None,
            quick_key: crate::catalog::QuickKey::Off,
        }
    }

    #[test]
    fn scanning_twice_adds_to_the_line_and_quantities_are_bounded() {
        let mut cart = Cart::new(Currency::CNY);
        let cola = product("A", "3.50", "13", true);
        assert_eq!(cart.add(&cola, 1, Some("x")).expect("add"), 0);
        assert_eq!(cart.add(&cola, 2, None).expect("add"), 0);
        assert_eq!(cart.lines()[0].quantity, 3);
        assert_eq!(cart.add(&cola, 0, None), Err(SaleError::Quantity(0)));
        assert_eq!(cart.add(&cola, -2, None), Err(SaleError::Quantity(-2)));
        assert_eq!(cart.set_quantity(0, 10_000), Err(SaleError::Quantity(10_000)));
        assert_eq!(cart.set_quantity(3, 1), Err(SaleError::NoSuchLine(3)));
        cart.set_quantity(0, 2).expect("ok");
        assert_eq!(cart.totals().expect("totals").total.plain(), "7.00");
        cart.remove(0).expect("remove");
        assert!(cart.is_empty());
    }

    #[test]
    fn a_discount_that_no_longer_fits_is_refused() {
        let mut cart = Cart::new(Currency::CNY);
        cart.add(&product("A", "10", "13", true), 3, None).expect("add");
        let five = Money::parse("25", Currency::CNY).expect("amount");
        cart.set_line_discount(0, Some(Discount::amount(five, "damaged").expect("d")))
            .expect("fits 30");
        assert!(cart.set_quantity(0, 2).is_err(), "25 off a 20 line must be refused");
        assert_eq!(cart.lines()[0].quantity, 3, "refused change leaves the cart as it was");
        let too_much = Money::parse("31", Currency::CNY).expect("amount");
        assert!(
            cart.set_sale_discount(Some(Discount::amount(too_much, "x").expect("d")))
                .is_err()
        );
        assert!(cart.sale_discount().is_none());
    }
}
