//! Whether the ledger's currency may still change: only while it holds no money at all,
//! and (with products priced in it) only to a currency with as many decimals.

use super::{Store, StoreError};
use crate::money::Currency;

impl Store {
    /// The ledger records amounts: sales, card transactions, terminal totals or Z-reports.
    pub fn holds_money(&self) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sales) OR EXISTS (SELECT 1 FROM card_payments) \
             OR EXISTS (SELECT 1 FROM terminal_totals) OR EXISTS (SELECT 1 FROM z_reports)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Whether a ledger kept in `from` may take `to` instead: nothing was recorded in it yet,
    /// and the catalog's prices (stored in minor units) mean the same in both.
    pub fn currency_may_change(&self, from: Currency, to: Currency) -> Result<bool, StoreError> {
        if from == to {
            return Ok(true);
        }
        if self.holds_money()? {
            return Ok(false);
        }
        Ok(from.minor_units == to.minor_units || self.product_count()? == 0)
    }

    /// Re-keys a ledger that holds no money to the configured currency (the settings screen
    /// changed it); `false` when it may not change.
    pub(super) fn rebase_currency(&self, found: &str) -> Result<bool, StoreError> {
        let Ok(from) = Currency::from_alpha(found) else {
            return Ok(false);
        };
        if !self.currency_may_change(from, self.currency)? {
            return Ok(false);
        }
        self.conn.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'currency'",
            [self.currency.alpha],
        )?;
        tracing::info!(
            from = found,
            to = self.currency.alpha,
            "ledger currency changed before any sale"
        );
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::parse_csv;

    fn currency(code: &str) -> Currency {
        Currency::from_alpha(code).expect("known currency")
    }

    #[test]
    fn a_ledger_without_money_follows_the_config_as_far_as_its_prices_allow() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(super::super::FILE_NAME);
        drop(Store::open(&path, Currency::CNY).expect("create"));
        let store = Store::open(&path, currency("EUR")).expect("no money yet: the currency follows");
        assert!(!store.holds_money().expect("query"));
        let csv =
            "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\nA,4006381333931,可乐,Cola,3.50,13,true\n";
        let products = parse_csv(csv, currency("EUR")).expect("csv");
        let mut store = store;
        store
            .import_products(&products, "2026-11-26T01:00:00Z".parse().expect("t"))
            .expect("import");
        assert!(
            store
                .currency_may_change(currency("EUR"), Currency::CNY)
                .expect("query")
        );
        // Yen have no minor unit: 350 stored cents would become 350 yen.
        assert!(
            !store
                .currency_may_change(currency("EUR"), currency("JPY"))
                .expect("query")
        );
        drop(store);
        let e = Store::open(&path, currency("JPY")).err().expect("refused");
        assert!(matches!(e, StoreError::CurrencyMismatch { .. }), "{e}");
        drop(Store::open(&path, Currency::CNY).expect("same decimals"));
    }
}
