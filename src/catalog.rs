//! Products, barcodes and the in-memory index used at the counter.

use crate::money::{Currency, Money, TaxRate};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub sku: String,
    pub barcodes: Vec<String>,
    pub name_zh: String,
    pub name_en: String,
    pub price: Money,
    pub tax_rate: TaxRate,
    pub price_includes_tax: bool,
    pub active: bool,
    /// The quick-key tab it sits on, if any.
    pub category: Option<Category>,
    pub quick_key: QuickKey,
}

/// The Chinese or the English of a name given in both, falling back to the one that is there.
pub fn name_in<'a>(zh: bool, name_zh: &'a str, name_en: &'a str) -> &'a str {
    if (zh && !name_zh.is_empty()) || name_en.is_empty() {
        name_zh
    } else {
        name_en
    }
}

/// A product category in both languages (the same text twice when only one was given).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Category {
    pub zh: String,
    pub en: String,
}

impl Category {
    /// The CSV form: `饮料|Drinks` (Chinese, then English) or one text for both.
    pub fn parse(text: &str) -> Result<Option<Category>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let (zh, en) = match text.split_once('|') {
            Some((zh, en)) => (zh.trim(), en.trim()),
            None => (text, text),
        };
        if en.contains('|') {
            return Err(format!("category '{text}' has more than one '|' (write 中文|English)"));
        }
        for part in [zh, en] {
            if part.chars().count() > 40 || part.chars().any(char::is_control) {
                return Err(format!(
                    "category '{text}' is longer than 40 characters or has control characters"
                ));
            }
        }
        if zh.is_empty() && en.is_empty() {
            return Ok(None);
        }
        Ok(Some(Category {
            zh: zh.to_string(),
            en: en.to_string(),
        }))
    }

    pub fn name(&self, zh: bool) -> &str {
        crate::catalog::name_in(zh, &self.zh, &self.en)
    }
}

/// Whether a product has a button on the checkout's quick-key grid, and where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QuickKey {
    #[default]
    Off,
    /// On the grid, after the numbered keys, in catalog order (`true` in the CSV).
    Listed,
    /// On the grid at this position within its tab (1 first).
    At(u16),
}

/// Largest quick-key position.
pub const MAX_QUICK_KEY: u16 = 9999;

impl QuickKey {
    /// The CSV form: empty or `false`, `true`, or a position from 1 to 9999.
    pub fn parse(text: &str) -> Result<QuickKey, String> {
        let text = text.trim();
        match text.to_ascii_lowercase().as_str() {
            "" | "false" => return Ok(QuickKey::Off),
            "true" => return Ok(QuickKey::Listed),
            _ => {}
        }
        match text.parse::<u16>() {
            Ok(n) if (1..=MAX_QUICK_KEY).contains(&n) => Ok(QuickKey::At(n)),
            _ => Err(format!(
                "quick_key '{text}' must be true, false or a position from 1 to {MAX_QUICK_KEY}"
            )),
        }
    }

    /// The stored form: NULL = off, 0 = listed, N = position N.
    pub fn to_column(self) -> Option<i64> {
        match self {
            QuickKey::Off => None,
            QuickKey::Listed => Some(0),
            QuickKey::At(n) => Some(i64::from(n)),
        }
    }

    /// Reads the stored form; a value out of range (an edited database) is no key.
    pub fn from_column(value: Option<i64>) -> QuickKey {
        match value {
            Some(0) => QuickKey::Listed,
            Some(n) => u16::try_from(n)
                .ok()
                .filter(|n| *n <= MAX_QUICK_KEY)
                .map_or(QuickKey::Off, QuickKey::At),
            None => QuickKey::Off,
        }
    }

    /// Numbered keys first by number, then the listed ones; `None` for no key.
    fn order(self) -> Option<(u8, u16)> {
        match self {
            QuickKey::Off => None,
            QuickKey::At(n) => Some((0, n)),
            QuickKey::Listed => Some((1, 0)),
        }
    }
}

/// One tab of the quick-key grid: a category (or none) and its products in key order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickTab {
    pub category: Option<Category>,
    /// Indexes into `Catalog::products`.
    products: Vec<usize>,
}

impl Product {
    /// The name in the requested language, falling back to the other one.
    pub fn name(&self, zh: bool) -> &str {
        name_in(zh, &self.name_zh, &self.name_en)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BarcodeError {
    #[error("barcode is empty")]
    Empty,
    #[error("barcode '{0}' has a wrong check digit")]
    CheckDigit(String),
    #[error("barcode '{0}' contains characters that are not allowed (letters, digits and - . / _ only)")]
    BadCharacters(String),
    #[error("barcode '{0}' is longer than 32 characters")]
    TooLong(String),
}

/// Validates a barcode: 8, 12 and 13 digit codes are EAN-8, UPC-A and EAN-13 and must
/// carry a correct check digit; anything else is a free (in-store) code.
pub fn validate_barcode(code: &str) -> Result<String, BarcodeError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(BarcodeError::Empty);
    }
    if code.chars().count() > 32 {
        return Err(BarcodeError::TooLong(code.to_string()));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/' | '_'))
    {
        return Err(BarcodeError::BadCharacters(code.to_string()));
    }
    let all_digits = code.bytes().all(|b| b.is_ascii_digit());
    if all_digits && matches!(code.len(), 8 | 12 | 13) && !gtin_check_digit_ok(code) {
        return Err(BarcodeError::CheckDigit(code.to_string()));
    }
    Ok(code.to_string())
}

/// GTIN check digit (EAN-8, UPC-A, EAN-13): weights 3,1,3,... from the right, excluding the check digit.
pub fn gtin_check_digit_ok(code: &str) -> bool {
    let digits: Vec<u32> = code.bytes().map(|b| u32::from(b.wrapping_sub(b'0'))).collect();
    let Some((&check, body)) = digits.split_last() else {
        return false;
    };
    if check > 9 || body.iter().any(|&d| d > 9) {
        return false;
    }
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 0 { d * 3 } else { d })
        .sum();
    (10 - sum % 10) % 10 == check
}

/// Lookup index over the active products: barcode and SKU maps, lowercase names for search.
#[derive(Debug, Default, Clone)]
pub struct Catalog {
    products: Vec<Product>,
    by_barcode: HashMap<String, usize>,
    by_sku: HashMap<String, usize>,
    search_keys: Vec<String>,
    quick_tabs: Vec<QuickTab>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("unknown barcode or SKU '{0}'")]
    Unknown(String),
    #[error(transparent)]
    Malformed(#[from] BarcodeError),
    #[error("product '{0}' is not for sale (inactive)")]
    Inactive(String),
}

impl Catalog {
    pub fn new(products: Vec<Product>) -> Catalog {
        let mut catalog = Catalog {
            by_barcode: HashMap::with_capacity(products.len()),
            by_sku: HashMap::with_capacity(products.len()),
            search_keys: Vec::with_capacity(products.len()),
            ..Catalog::default()
        };
        catalog.products.reserve_exact(products.len());
        for product in products {
            let index = catalog.products.len();
            for code in &product.barcodes {
                catalog.by_barcode.insert(code.clone(), index);
            }
            catalog.by_sku.insert(product.sku.clone(), index);
            catalog.search_keys.push(search_key(&product));
            catalog.products.push(product);
        }
        catalog.quick_tabs = quick_tabs(&catalog.products);
        catalog
    }

    pub fn len(&self) -> usize {
        self.products.len()
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// Finds a product by scanned barcode, then by SKU.
    pub fn lookup(&self, code: &str) -> Result<&Product, LookupError> {
        let code = code.trim();
        let index = match self.by_barcode.get(code) {
            Some(&i) => i,
            None => match self.by_sku.get(code) {
                Some(&i) => i,
                None => {
                    validate_barcode(code)?;
                    return Err(LookupError::Unknown(code.to_string()));
                }
            },
        };
        let product = &self.products[index];
        if !product.active {
            return Err(LookupError::Inactive(product.sku.clone()));
        }
        Ok(product)
    }

    /// The product with this SKU, active or not.
    pub fn product(&self, sku: &str) -> Option<&Product> {
        self.by_sku.get(sku).map(|&i| &self.products[i])
    }

    /// The quick-key grid: one tab per category in catalog order (products without a
    /// category last), the active quick-key products of each in key order.
    pub fn quick_tabs(&self) -> &[QuickTab] {
        &self.quick_tabs
    }

    /// The products of one quick-key tab, in key order.
    pub fn quick_keys<'a>(&'a self, tab: &'a QuickTab) -> impl Iterator<Item = &'a Product> + 'a {
        tab.products.iter().filter_map(|&i| self.products.get(i))
    }

    /// Case-insensitive substring search over Chinese and English names and SKU.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Product> {
        let mut query_lower = String::with_capacity(query.len());
        lowercase_into(&mut query_lower, query.trim());
        let query = query_lower;
        if query.is_empty() {
            return Vec::new();
        }
        self.search_keys
            .iter()
            .enumerate()
            .filter(|(i, key)| self.products[*i].active && key.contains(&query))
            .map(|(i, _)| &self.products[i])
            .take(limit)
            .collect()
    }
}

/// Both names and the SKU, lowercase, one per line: what a name search looks through. Built
/// char by char, as start-up does it for every product.
fn search_key(product: &Product) -> String {
    let mut key = String::with_capacity(product.name_zh.len() + product.name_en.len() + product.sku.len() + 2);
    for (i, part) in [&product.name_zh, &product.name_en, &product.sku]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            key.push('\n');
        }
        lowercase_into(&mut key, part);
    }
    key
}

/// Lowercase char by char (no allocation per call; the query is lowered the same way, so
/// both sides agree even where `str::to_lowercase` looks at context).
fn lowercase_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn quick_tabs(products: &[Product]) -> Vec<QuickTab> {
    let mut tabs: Vec<QuickTab> = Vec::new();
    let mut uncategorised = QuickTab {
        category: None,
        products: Vec::new(),
    };
    for (index, product) in products.iter().enumerate() {
        if !product.active || product.quick_key == QuickKey::Off {
            continue;
        }
        let tab = match &product.category {
            None => &mut uncategorised,
            Some(category) => {
                let position = match tabs.iter().position(|t| t.category.as_ref() == Some(category)) {
                    Some(p) => p,
                    None => {
                        tabs.push(QuickTab {
                            category: Some(category.clone()),
                            products: Vec::new(),
                        });
                        tabs.len() - 1
                    }
                };
                &mut tabs[position]
            }
        };
        tab.products.push(index);
    }
    if !uncategorised.products.is_empty() {
        tabs.push(uncategorised);
    }
    for tab in &mut tabs {
        // Stable: equal positions keep catalog order.
        tab.products.sort_by_key(|&i| products[i].quick_key.order());
    }
    tabs
}

/// The CSV columns, in the documented order.
pub const CSV_COLUMNS: [&str; 7] = [
    "sku",
    "barcode",
    "name_zh",
    "name_en",
    "price",
    "tax_rate",
    "price_includes_tax",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct CsvRowError {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("the CSV file has no header row")]
    NoHeader,
    #[error(
        "the CSV header lacks column(s): {0} (expected: sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax)"
    )]
    MissingColumns(String),
    #[error("{} row(s) are invalid; nothing was imported:\n{}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<CsvRowError>),
    #[error("the CSV file has no product rows")]
    Empty,
}

/// Parses a catalog CSV. All rows are checked; any error rejects the whole file.
pub fn parse_csv(text: &str, currency: Currency) -> Result<Vec<Product>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| CsvError::NoHeader)?.clone();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(CsvError::NoHeader);
    }
    let mut column = HashMap::new();
    for (i, name) in headers.iter().enumerate() {
        column.insert(name.to_ascii_lowercase(), i);
    }
    let missing: Vec<&str> = CSV_COLUMNS
        .iter()
        .copied()
        .filter(|c| !column.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(CsvError::MissingColumns(missing.join(", ")));
    }
    let mut products = Vec::new();
    let mut errors = Vec::new();
    let mut seen_sku: HashMap<String, u64> = HashMap::new();
    let mut seen_code: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                errors.push(CsvRowError {
                    line,
                    reason: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        let field = |name: &str| column.get(name).and_then(|&i| record.get(i)).unwrap_or("").to_string();
        match parse_row(&field, currency) {
            Ok(product) => {
                let mut clash = None;
                if let Some(first) = seen_sku.insert(product.sku.clone(), line) {
                    clash = Some(format!("SKU '{}' already on line {first}", product.sku));
                }
                for code in &product.barcodes {
                    if let Some(first) = seen_code.insert(code.clone(), line) {
                        clash = Some(format!("barcode '{code}' already on line {first}"));
                    }
                }
                match clash {
                    Some(reason) => errors.push(CsvRowError { line, reason }),
                    None => products.push(product),
                }
            }
            Err(reason) => errors.push(CsvRowError { line, reason }),
        }
    }
    if !errors.is_empty() {
        return Err(CsvError::Rows(errors));
    }
    if products.is_empty() {
        return Err(CsvError::Empty);
    }
    Ok(products)
}

fn parse_row(field: &dyn Fn(&str) -> String, currency: Currency) -> Result<Product, String> {
    let sku = field("sku");
    if sku.is_empty() {
        return Err("sku is empty".into());
    }
    if sku.chars().count() > 64 || sku.chars().any(char::is_control) {
        return Err(format!("sku '{sku}' is too long or has control characters"));
    }
    let mut barcodes = Vec::new();
    for code in field("barcode").split('|').map(str::trim).filter(|c| !c.is_empty()) {
        barcodes.push(validate_barcode(code).map_err(|e| e.to_string())?);
    }
    let name_zh = field("name_zh");
    let name_en = field("name_en");
    if name_zh.is_empty() && name_en.is_empty() {
        return Err("both name_zh and name_en are empty".into());
    }
    let price_text = field("price");
    let price = Money::parse_non_negative(&price_text, currency).map_err(|e| format!("price: {e}"))?;
    if price.is_zero() {
        return Err(format!("price '{price_text}' is zero"));
    }
    let tax_rate = TaxRate::parse(&field("tax_rate")).map_err(|e| format!("tax_rate: {e}"))?;
    let includes = field("price_includes_tax");
    let price_includes_tax = match includes.to_ascii_lowercase().as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(format!("price_includes_tax '{includes}' must be true or false")),
    };
    // Optional column: a product can be kept in the catalog but not sold.
    let active_text = field("active");
    let active = match active_text.to_ascii_lowercase().as_str() {
        "" | "true" => true,
        "false" => false,
        _ => return Err(format!("active '{active_text}' must be true or false")),
    };
    // Optional columns (older files have neither): the quick-key grid.
    let category = Category::parse(&field("category"))?;
    let quick_key = QuickKey::parse(&field("quick_key"))?;
    Ok(Product {
        sku,
        barcodes,
        name_zh,
        name_en,
        price,
        tax_rate,
        price_includes_tax,
        active,
        category,
        quick_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\n";

    #[test]
    fn check_digits() {
        assert!(gtin_check_digit_ok("4006381333931")); // EAN-13
        assert!(gtin_check_digit_ok("96385074")); // EAN-8
        assert!(gtin_check_digit_ok("036000291452")); // UPC-A
        assert!(!gtin_check_digit_ok("4006381333932"));
        assert!(validate_barcode("4006381333932").is_err());
        assert_eq!(validate_barcode(" FREE-01 ").as_deref(), Ok("FREE-01"));
        assert!(validate_barcode("12345").is_ok(), "short numeric codes are free codes");
        assert!(matches!(validate_barcode("ab c"), Err(BarcodeError::BadCharacters(_))));
        assert!(matches!(validate_barcode(""), Err(BarcodeError::Empty)));
    }

    #[test]
    fn imports_valid_csv_with_multiple_barcodes() {
        let csv = format!("{HEADER}A1,4006381333931|FREE1,可乐,Cola,3.50,13,true\nA2,,面包,Bread,8,9,false\n");
        let products = parse_csv(&csv, Currency::CNY).expect("valid");
        assert_eq!(products.len(), 2);
        assert_eq!(products[0].barcodes, vec!["4006381333931", "FREE1"]);
        assert_eq!(products[1].price.minor(), 800);
        assert!(!products[1].price_includes_tax);
        let catalog = Catalog::new(products);
        assert_eq!(catalog.lookup("FREE1").expect("found").sku, "A1");
        assert_eq!(catalog.lookup("A2").expect("by sku").name_en, "Bread");
        assert_eq!(catalog.search("可", 10).len(), 1);
        assert_eq!(catalog.search("BREAD", 10).len(), 1);
        assert!(matches!(
            catalog.lookup("4006381333932"),
            Err(LookupError::Malformed(_))
        ));
        assert!(matches!(catalog.lookup("96385074"), Err(LookupError::Unknown(_))));
    }

    #[test]
    fn reports_every_bad_row_with_its_line() {
        let csv = format!(
            "{HEADER}A1,4006381333931,可乐,Cola,3.5,13,true\nA2,4006381333932,x,y,1,13,true\nA3,,x,y,abc,13,true\nA1,,x,y,1,13,true\nA5,,x,y,1,13,maybe\nA6,,x,y,1.234,13,true\n"
        );
        let Err(CsvError::Rows(errors)) = parse_csv(&csv, Currency::CNY) else {
            panic!("expected row errors");
        };
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7]);
        assert!(errors[0].reason.contains("check digit"));
        assert!(errors[1].reason.contains("price"));
        assert!(errors[2].reason.contains("already on line 2"));
    }

    #[test]
    fn inactive_products_are_found_but_not_sold() {
        let csv = "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax,active\nA,FREE1,x,y,1,13,true,false\n";
        let catalog = Catalog::new(parse_csv(csv, Currency::CNY).expect("valid"));
        assert!(matches!(catalog.lookup("FREE1"), Err(LookupError::Inactive(_))));
        assert!(catalog.search("y", 5).is_empty());
        let bad = "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax,active\nA,,x,y,1,13,true,no\n";
        assert!(parse_csv(bad, Currency::CNY).is_err());
    }

    #[test]
    fn categories_and_quick_keys_are_optional_columns() {
        // An older file without the columns imports as before: no category, no quick key.
        let old = parse_csv(&format!("{HEADER}A1,,可乐,Cola,3.50,13,true\n"), Currency::CNY).expect("old file");
        assert_eq!((old[0].category.clone(), old[0].quick_key), (None, QuickKey::Off));

        let csv = "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax,category,quick_key,active\n\
                   W,,水,Water,2,13,true,饮料|Drinks,true,true\n\
                   C,,可乐,Cola,3.5,13,true, 饮料 | Drinks ,2,true\n\
                   T,,茶,Tea,4,13,true,饮料|Drinks,1,true\n\
                   B,,袋,Bag,0.3,13,true,,3,true\n\
                   R,,米,Rice,39.9,9,true,Food,false,true\n\
                   X,,旧,Old,1,13,true,饮料|Drinks,4,false\n\
                   N,,面,Noodles,4.8,13,true,食品|Food,,true\n";
        let products = parse_csv(csv, Currency::CNY).expect("valid");
        let drinks = Category {
            zh: "饮料".into(),
            en: "Drinks".into(),
        };
        assert_eq!(
            products[1].category.as_ref(),
            Some(&drinks),
            "spaces around the parts are trimmed"
        );
        assert_eq!(products[0].quick_key, QuickKey::Listed);
        assert_eq!(products[1].quick_key, QuickKey::At(2));
        assert_eq!(products[3].category, None);
        let food = products[4].category.clone().expect("one text for both languages");
        assert_eq!((food.name(true), food.name(false)), ("Food", "Food"));
        assert_eq!(drinks.name(true), "饮料");
        assert_eq!(drinks.name(false), "Drinks");

        // Tabs in catalog order, uncategorised last; numbered keys first, then listed ones;
        // inactive products and products without a key are left off.
        let catalog = Catalog::new(products);
        let tabs: Vec<(Option<String>, Vec<String>)> = catalog
            .quick_tabs()
            .iter()
            .map(|t| {
                (
                    t.category.as_ref().map(|c| c.en.clone()),
                    catalog.quick_keys(t).map(|p| p.sku.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(
            tabs,
            [
                (
                    Some("Drinks".to_string()),
                    vec!["T".to_string(), "C".into(), "W".into()]
                ),
                (None, vec!["B".to_string()]),
            ]
        );
        assert_eq!(catalog.product("X").map(|p| p.active), Some(false));
        assert!(catalog.product("nope").is_none());

        for (bad, why) in [
            ("a|b|c,1", "more than one"),
            ("x,0", "quick_key '0'"),
            ("x,yes", "quick_key 'yes'"),
            ("x,10000", "quick_key '10000'"),
        ] {
            let csv = format!(
                "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax,category,quick_key\nA,,x,y,1,13,true,{bad}\n"
            );
            let err = parse_csv(&csv, Currency::CNY).expect_err(bad).to_string();
            assert!(err.contains(why) && err.contains("line 2"), "{bad}: {err}");
        }
    }

    #[test]
    fn quick_keys_survive_the_stored_form() {
        for key in [
            QuickKey::Off,
            QuickKey::Listed,
            QuickKey::At(1),
            QuickKey::At(MAX_QUICK_KEY),
        ] {
            assert_eq!(QuickKey::from_column(key.to_column()), key);
        }
        assert_eq!(QuickKey::from_column(Some(-3)), QuickKey::Off, "an edited database");
        assert_eq!(QuickKey::from_column(Some(70_000)), QuickKey::Off);
    }

    #[test]
    fn missing_columns_and_empty_files() {
        let err = parse_csv("sku,barcode,name_zh,name_en,price\nA,1,x,y,1\n", Currency::CNY).expect_err("missing");
        assert!(err.to_string().contains("tax_rate, price_includes_tax"));
        assert_eq!(parse_csv("", Currency::CNY), Err(CsvError::NoHeader));
        assert_eq!(parse_csv(HEADER, Currency::CNY), Err(CsvError::Empty));
    }
}
