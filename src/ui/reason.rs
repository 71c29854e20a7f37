//! Errors in the cashier's language. Known, everyday causes get their own message; anything
//! else (a database fault) keeps its technical English text so support can read it.

use crate::catalog::{BarcodeError, LookupError};
use crate::i18n::I18n;
use crate::money::MoneyError;
use crate::permission::Action;
use crate::sale::SaleError;
use crate::store::StoreError;
use crate::till::TillError;
use crate::users::Role;

pub fn till_error(i18n: &I18n, e: &TillError) -> String {
    match e {
        TillError::Lookup(e) => lookup_error(i18n, e),
        TillError::Sale(e) => sale_error(i18n, e),
        TillError::Quantity(input) => i18n.t_args("reason-quantity-text", &[("input", input.clone())]),
        TillError::DayClosed { day, z_number, reopens } => i18n.t_args(
            "reason-day-closed",
            &[
                ("day", day.to_string()),
                ("z", z_number.to_string()),
                ("reopens", reopens.clone()),
            ],
        ),
        TillError::Guard { why, .. } => crate::ui::banner::why_text(*why, i18n),
        TillError::EarlierDayOpen { day, today } => i18n.t_args(
            "reason-earlier-day-open",
            &[("day", day.to_string()), ("today", today.to_string())],
        ),
        TillError::User(e) => crate::ui::screen::login::user_error(i18n, e),
        TillError::NotPermitted { action, needs, who } => not_permitted(i18n, *action, *needs, who),
        TillError::Store(StoreError::VoucherTaken { voucher, sale }) => i18n.t_args(
            "reason-voucher-taken",
            &[
                ("voucher", format!("{voucher:06}")),
                ("sale", sale.map(|s| format!("#{s}")).unwrap_or_else(|| "-".into())),
            ],
        ),
        other => other.to_string(),
    }
}

/// "X may not ... alone", with the act named in the window's language.
fn not_permitted(i18n: &I18n, action: Action, needs: Role, who: &str) -> String {
    let act = i18n.t(&format!("permission-{}", action.as_str()));
    let needs = i18n.t(if needs == Role::Admin {
        "role-needed-admin"
    } else {
        "role-needed-manager"
    });
    i18n.t_args(
        "reason-not-permitted",
        &[("who", who.to_string()), ("action", act), ("needs", needs)],
    )
}

pub fn lookup_error(i18n: &I18n, e: &LookupError) -> String {
    match e {
        LookupError::Unknown(code) => i18n.t_args("reason-unknown-code", &[("code", code.clone())]),
        LookupError::Inactive(sku) => i18n.t_args("reason-inactive", &[("sku", sku.clone())]),
        LookupError::Malformed(BarcodeError::CheckDigit(code)) => {
            i18n.t_args("reason-check-digit", &[("code", code.clone())])
        }
        LookupError::Malformed(BarcodeError::Empty) => i18n.t("reason-empty-code"),
        LookupError::Malformed(BarcodeError::BadCharacters(code) | BarcodeError::TooLong(code)) => {
            i18n.t_args("reason-bad-code", &[("code", code.clone())])
        }
    }
}

pub fn sale_error(i18n: &I18n, e: &SaleError) -> String {
    match e {
        SaleError::InsufficientCash { given, due } => i18n.t_args(
            "reason-insufficient-cash",
            &[("given", given.clone()), ("due", due.clone())],
        ),
        SaleError::Quantity(q) => i18n.t_args(
            "reason-quantity-range",
            &[
                ("quantity", q.to_string()),
                ("max", crate::sale::MAX_QUANTITY.to_string()),
            ],
        ),
        SaleError::EmptyCart => i18n.t("ui-error-empty-cart"),
        SaleError::CartFull => i18n.t_args("reason-cart-full", &[("max", crate::sale::MAX_LINES.to_string())]),
        other => other.to_string(),
    }
}

pub fn money_error(i18n: &I18n, e: &MoneyError) -> String {
    match e {
        MoneyError::NotAnAmount(input) => i18n.t_args("reason-not-an-amount", &[("input", input.clone())]),
        MoneyError::TooPrecise { allowed, .. } => {
            i18n.t_args("reason-too-precise", &[("allowed", allowed.to_string())])
        }
        MoneyError::TooLarge(input) => i18n.t_args("reason-too-large", &[("input", input.clone())]),
        MoneyError::Negative(input) => i18n.t_args("reason-negative", &[("input", input.clone())]),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;

    #[test]
    fn everyday_errors_read_in_chinese() {
        let zh = I18n::new(Language::Zh);
        let e = TillError::Lookup(LookupError::Malformed(BarcodeError::CheckDigit("2000000010107".into())));
        assert_eq!(till_error(&zh, &e), "条码 2000000010107 校验位错误，请重新扫描");
        let e = TillError::Sale(SaleError::InsufficientCash {
            given: "1.00".into(),
            due: "3.50".into(),
        });
        assert_eq!(till_error(&zh, &e), "现金 1.00 少于应收 3.50");
        assert_eq!(
            money_error(&zh, &MoneyError::NotAnAmount("abc".into())),
            "“abc”不是金额"
        );
        let en = I18n::new(Language::En);
        assert_eq!(
            lookup_error(&en, &LookupError::Unknown("123".into())),
            "no product has the code 123"
        );
    }
}
