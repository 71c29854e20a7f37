//! The catalog tables.

use super::{Store, StoreError};
use crate::catalog::{Catalog, Category, Product, QuickKey};
use crate::money::{Money, TaxRate};
use jiff::Timestamp;
use rusqlite::params;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
}

impl Store {
    /// Adds or replaces products by SKU in one transaction: all of them or none.
    /// A barcode that already belongs to another SKU is refused, naming both.
    pub fn import_products(&mut self, products: &[Product], now: Timestamp) -> Result<ImportSummary, StoreError> {
        let tx = self.conn.transaction()?;
        let mut summary = ImportSummary { added: 0, updated: 0 };
        let at = now.to_string();
        {
            let mut exists = tx.prepare_cached("SELECT 1 FROM products WHERE sku = ?1")?;
            let mut upsert = tx.prepare_cached(
                "INSERT INTO products (sku, name_zh, name_en, price_minor, tax_bp, price_includes_tax, active, updated_at,
                   category_zh, category_en, quick_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT(sku) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
                   price_minor = excluded.price_minor, tax_bp = excluded.tax_bp,
                   price_includes_tax = excluded.price_includes_tax, active = excluded.active, updated_at = excluded.updated_at,
                   category_zh = excluded.category_zh, category_en = excluded.category_en, quick_key = excluded.quick_key",
            )?;
            let mut clear_codes = tx.prepare_cached("DELETE FROM barcodes WHERE sku = ?1")?;
            let mut owner = tx.prepare_cached("SELECT sku FROM barcodes WHERE code = ?1")?;
            let mut add_code = tx.prepare_cached("INSERT INTO barcodes (code, sku) VALUES (?1, ?2)")?;
            for p in products {
                if exists.exists([&p.sku])? {
                    summary.updated += 1;
                } else {
                    summary.added += 1;
                }
                upsert.execute(params![
                    p.sku,
                    p.name_zh,
                    p.name_en,
                    p.price.minor(),
                    p.tax_rate.basis_points(),
                    p.price_includes_tax,
                    p.active,
                    at,
                    p.category.as_ref().map_or("", |c| c.zh.as_str()),
                    p.category.as_ref().map_or("", |c| c.en.as_str()),
                    p.quick_key.to_column()
                ])?;
                clear_codes.execute([&p.sku])?;
                for code in &p.barcodes {
                    let taken: Option<String> = owner.query_row([code], |r| r.get(0)).map(Some).or_else(none)?;
                    if let Some(other) = taken {
                        return Err(StoreError::Damaged(format!(
                            "barcode {code} of SKU {} already belongs to SKU {other}; nothing was imported",
                            p.sku
                        )));
                    }
                    add_code.execute(params![code, p.sku])?;
                }
            }
        }
        tx.commit()?;
        Ok(summary)
    }

    pub fn product_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM products", [], |r| r.get::<_, i64>(0))?
            .max(0) as u64)
    }

    /// Loads every product into the in-memory index.
    pub fn load_catalog(&self) -> Result<Catalog, StoreError> {
        // One pass over products joined with their barcodes (a product's rows come together),
        // rather than a map of every barcode by SKU: start-up reads the whole catalog.
        let mut stmt = self.conn.prepare(
            "SELECT p.sku, p.name_zh, p.name_en, p.price_minor, p.tax_bp, p.price_includes_tax, p.active,
               p.category_zh, p.category_en, p.quick_key, b.code
             FROM products p LEFT JOIN barcodes b ON b.sku = p.sku
             ORDER BY p.rowid, b.rowid",
        )?;
        let count: i64 = self.conn.query_row("SELECT COUNT(*) FROM products", [], |r| r.get(0))?;
        let mut products: Vec<Product> = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let code: Option<String> = r.get(10)?;
            let sku = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            if let Some(last) = products.last_mut()
                && last.sku == sku
            {
                last.barcodes.extend(code);
                continue;
            }
            let (category_zh, category_en): (String, String) = (r.get(7)?, r.get(8)?);
            let category = (!category_zh.is_empty() || !category_en.is_empty()).then_some(Category {
                zh: category_zh,
                en: category_en,
            });
            products.push(Product {
                sku: sku.to_string(),
                barcodes: code.into_iter().collect(),
                name_zh: r.get(1)?,
                name_en: r.get(2)?,
                price: Money::from_minor(r.get(3)?, self.currency),
                tax_rate: TaxRate::from_basis_points(r.get(4)?),
                price_includes_tax: r.get(5)?,
                active: r.get(6)?,
                category,
                quick_key: QuickKey::from_column(r.get(9)?),
            });
        }
        Ok(Catalog::new(products))
    }
}

/// Maps "no row" to None for optional lookups.
pub(super) fn none<T>(e: rusqlite::Error) -> Result<Option<T>, rusqlite::Error> {
    match e {
        rusqlite::Error::QueryReturnedNoRows => Ok(None),
        other => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::parse_csv;
    use crate::money::Currency;

    #[test]
    fn categories_and_quick_keys_are_stored_and_replaced_by_a_later_import() {
        let mut store = Store::open_in_memory(Currency::CNY).expect("store");
        let now: Timestamp = "2026-03-14T04:00:00Z".parse().expect("time");
        let csv = "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax,category,quick_key\n\
                   A,,可乐,Cola,3.50,13,true,饮料|Drinks,2\nB,,袋,Bag,0.30,13,true,,true\n";
        store
            .import_products(&parse_csv(csv, Currency::CNY).expect("csv"), now)
            .expect("import");
        let catalog = store.load_catalog().expect("load");
        let a = catalog.product("A").expect("A");
        assert_eq!(
            a.category.as_ref().map(|c| (c.zh.as_str(), c.en.as_str())),
            Some(("饮料", "Drinks"))
        );
        assert_eq!(a.quick_key, QuickKey::At(2));
        let b = catalog.product("B").expect("B");
        assert_eq!((b.category.as_ref(), b.quick_key), (None, QuickKey::Listed));
        assert_eq!(catalog.quick_tabs().len(), 2);

        // A file without the new columns replaces the product as it says: no key any more.
        let old = "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\nA,,可乐,Cola,3.80,13,true\n";
        store
            .import_products(&parse_csv(old, Currency::CNY).expect("csv"), now)
            .expect("import");
        let catalog = store.load_catalog().expect("load");
        let a = catalog.product("A").expect("A");
        assert_eq!(
            (a.category.as_ref(), a.quick_key, a.price.plain()),
            (None, QuickKey::Off, "3.80".into())
        );
        assert_eq!(catalog.quick_tabs().len(), 1, "only B is left on the grid");
    }
}
