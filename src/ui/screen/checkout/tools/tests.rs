//! Unit tests of the tools' pure helpers: reading a typed discount and a picked reason.

use super::Mode;
use super::discount::{is_removal, parse_discount, picked_reason};
use crate::money::Currency;

#[test]
fn typed_discounts_read_as_percent_or_amount() {
    let cny = Currency::CNY;
    let d = parse_discount("10", Mode::Percent, "r", cny).expect("percent");
    assert_eq!(d.describe(), "10%");
    let d = parse_discount(" 2.5 % ", Mode::Amount, "r", cny).expect("a % sign wins");
    assert_eq!(d.describe(), "2.5%");
    let d = parse_discount("1.20", Mode::Amount, "r", cny).expect("amount");
    assert_eq!(d.describe(), "1.20");
    for bad in ["abc", "150", "-5", "1.234"] {
        let mode = if bad == "1.234" { Mode::Amount } else { Mode::Percent };
        assert_eq!(
            parse_discount(bad, mode, "r", cny).map(|d| d.describe()),
            Err(bad.to_string())
        );
    }
    assert!(is_removal("") && is_removal("0") && is_removal("0.00%") && !is_removal("5"));
    assert_eq!(picked_reason(" 2 "), Some(2));
    assert_eq!(picked_reason("5"), None);
    assert_eq!(picked_reason("damaged"), None);
}
