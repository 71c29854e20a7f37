use super::{Payment, PaymentMethod, PaymentState, SaleError};
use crate::money::Money;

/// Cash handed over for a sale: what stays in the drawer and the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CashTender {
    pub due: Money,
    pub given: Money,
    pub change: Money,
}

/// Takes cash for `due`. `given` defaults to the exact amount; less than `due` is refused.
pub fn pay_cash(due: Money, given: Option<Money>) -> Result<CashTender, SaleError> {
    let given = given.unwrap_or(due);
    if given.is_negative() || given.amount() < due.amount() {
        return Err(SaleError::InsufficientCash {
            given: given.plain(),
            due: due.plain(),
        });
    }
    Ok(CashTender {
        due,
        given,
        change: given - due,
    })
}

impl CashTender {
    pub fn payment(&self) -> Payment {
        Payment {
            method: PaymentMethod::Cash,
            amount: self.due,
            given: Some(self.given),
            change: self.change,
            state: PaymentState::Approved,
            card: None,
            manual: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn change_and_refusal() {
        let m = |s: &str| Money::parse(s, Currency::CNY).expect("amount");
        let t = pay_cash(m("37.40"), Some(m("50"))).expect("enough");
        assert_eq!(t.change.plain(), "12.60");
        assert_eq!(t.payment().amount.plain(), "37.40");
        assert_eq!(pay_cash(m("5"), None).expect("exact").change.plain(), "0.00");
        let err = pay_cash(m("37.40"), Some(m("37.39"))).expect_err("short");
        assert_eq!(err.to_string(), "cash 37.39 is less than the total 37.40");
    }
}
