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
}

impl Product {
    /// The name in the requested language, falling back to the other one.
    pub fn name(&self, zh: bool) -> &str {
        match (zh, self.name_zh.is_empty(), self.name_en.is_empty()) {
            (true, false, _) | (false, false, true) => &self.name_zh,
            _ => &self.name_en,
        }
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
        let mut catalog = Catalog::default();
        for product in products {
            let index = catalog.products.len();
            for code in &product.barcodes {
                catalog.by_barcode.insert(code.clone(), index);
            }
            catalog.by_sku.insert(product.sku.clone(), index);
            catalog
                .search_keys
                .push(format!("{}\n{}\n{}", product.name_zh, product.name_en, product.sku).to_lowercase());
            catalog.products.push(product);
        }
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

    /// Case-insensitive substring search over Chinese and English names and SKU.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Product> {
        let query = query.trim().to_lowercase();
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
    Ok(Product {
        sku,
        barcodes,
        name_zh,
        name_en,
        price,
        tax_rate,
        price_includes_tax,
        active,
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
    fn missing_columns_and_empty_files() {
        let err = parse_csv("sku,barcode,name_zh,name_en,price\nA,1,x,y,1\n", Currency::CNY).expect_err("missing");
        assert!(err.to_string().contains("tax_rate, price_includes_tax"));
        assert_eq!(parse_csv("", Currency::CNY), Err(CsvError::NoHeader));
        assert_eq!(parse_csv(HEADER, Currency::CNY), Err(CsvError::Empty));
    }
}
