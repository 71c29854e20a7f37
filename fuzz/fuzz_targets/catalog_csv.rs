//! Feeds arbitrary bytes to the catalog CSV import (`catalog::parse_csv`), as the text of a
//! whole file (invalid UTF-8 replaced, as a lossy reader would) and as the rows under a
//! valid header (so the fuzzer spends its time on rows, not on finding the header), each in
//! a currency with two decimals (CNY) and one with none (JPY).
//!
//! Asserts: no panic; an Ok import keeps its promises for every product: a SKU that is
//! non-empty, at most 64 characters and free of control characters; barcodes that pass
//! `validate_barcode` unchanged; SKUs and barcodes unique; a name; a positive price on the
//! currency's minor-unit grid within `MAX_INPUT_AMOUNT`; a tax rate from 0 to 100% with at
//! most two decimals; a valid category and quick key. The catalog built from the products
//! finds each by barcode and SKU, and the products written back as CSV import unchanged.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use std::collections::HashSet;
use tillguard::catalog::{Catalog, LookupError, MAX_QUICK_KEY, Product, QuickKey, parse_csv, validate_barcode};
use tillguard::money::{Currency, MAX_INPUT_AMOUNT, Money};

const HEADER: &str = "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax,active,category,quick_key\n";

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let under_header = format!("{HEADER}{text}");
    for currency in [Currency::CNY, jpy()] {
        for csv in [&*text, &under_header] {
            if let Ok(products) = parse_csv(csv, currency) {
                check(&products, currency);
            }
        }
    }
});

fn jpy() -> Currency {
    Currency::from_alpha("JPY").unwrap_or(Currency::CNY)
}

fn check(products: &[Product], currency: Currency) {
    assert!(!products.is_empty(), "an Ok import has products");
    let mut skus = HashSet::new();
    let mut codes = HashSet::new();
    for p in products {
        let chars = p.sku.chars().count();
        assert!(
            (1..=64).contains(&chars) && !p.sku.chars().any(char::is_control),
            "sku {:?}",
            p.sku
        );
        assert!(skus.insert(p.sku.as_str()), "sku {:?} twice", p.sku);
        for code in &p.barcodes {
            assert_eq!(
                validate_barcode(code).as_ref(),
                Ok(code),
                "barcode {code:?} not valid as stored"
            );
            assert!(codes.insert(code.as_str()), "barcode {code:?} twice");
        }
        assert!(
            !(p.name_zh.is_empty() && p.name_en.is_empty()),
            "product {:?} has no name",
            p.sku
        );
        let price = p.price;
        assert_eq!(price.currency(), currency);
        assert!(!price.is_zero() && !price.is_negative(), "price {price:?}");
        assert!(
            price.amount() <= Decimal::from(MAX_INPUT_AMOUNT),
            "price {price:?} too large"
        );
        assert_eq!(
            Money::from_minor(price.minor(), currency),
            price,
            "price off the minor-unit grid"
        );
        let rate = p.tax_rate.percent_value();
        assert!(
            rate >= Decimal::ZERO && rate <= Decimal::ONE_HUNDRED && rate.scale() <= 2,
            "tax rate {rate}"
        );
        if let Some(c) = &p.category {
            for part in [&c.zh, &c.en] {
                assert!(part.chars().count() <= 40 && !part.chars().any(char::is_control));
            }
            assert!(!(c.zh.is_empty() && c.en.is_empty()));
        }
        if let QuickKey::At(n) = p.quick_key {
            assert!((1..=MAX_QUICK_KEY).contains(&n));
        }
    }

    let catalog = Catalog::new(products.to_vec());
    assert_eq!(catalog.len(), products.len());
    for p in products {
        assert_eq!(catalog.product(&p.sku), Some(p));
        for code in &p.barcodes {
            match catalog.lookup(code) {
                Ok(found) => assert!(p.active && found == p, "barcode {code:?} finds {:?}", found.sku),
                Err(LookupError::Inactive(sku)) => assert!(!p.active && sku == p.sku),
                Err(e) => panic!("barcode {code:?} of {:?} not found: {e}", p.sku),
            }
        }
        // Scanning wins over typing: a SKU that is also another product's barcode finds that
        // product. A SKU edged with non-ASCII blanks is kept by the CSV reader but trimmed by
        // the lookup, so only trimmed SKUs are looked up here.
        if p.active && !codes.contains(p.sku.as_str()) && p.sku.trim() == p.sku {
            assert_eq!(catalog.lookup(&p.sku).map(|f| &f.sku), Ok(&p.sku));
        }
    }
    let _ = catalog.search(&products[0].name_en, 10);

    let again = parse_csv(&write_csv(products), currency).unwrap_or_else(|e| panic!("written back, refused: {e}"));
    assert_eq!(again, products, "products written back as CSV import differently");
}

/// The products as a catalog CSV, every field quoted.
fn write_csv(products: &[Product]) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from(HEADER);
    for p in products {
        let category = p.category.as_ref().map_or(String::new(), |c| {
            if c.zh == c.en {
                c.zh.clone()
            } else {
                format!("{}|{}", c.zh, c.en)
            }
        });
        let quick_key = match p.quick_key {
            QuickKey::Off => "false".to_string(),
            QuickKey::Listed => "true".to_string(),
            QuickKey::At(n) => n.to_string(),
        };
        let fields = [
            quote(&p.sku),
            quote(&p.barcodes.join("|")),
            quote(&p.name_zh),
            quote(&p.name_en),
            p.price.plain(),
            p.tax_rate.percent_value().to_string(),
            p.price_includes_tax.to_string(),
            p.active.to_string(),
            quote(&category),
            quick_key,
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}
