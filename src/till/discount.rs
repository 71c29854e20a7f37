//! What a cashier may do alone at the checkout and what needs a manager: a discount above
//! `[sale] cashier_discount_limit_percent`, and removing a line when
//! `[sale] remove_line_needs_manager` is on. The checkout asks first (to show the PIN field)
//! but these functions enforce the rules whatever the caller did.

use super::{Till, TillError};
use crate::permission::Action;
use crate::sale::{Cart, CartLine, Discount, DiscountKind, SaleError};
use crate::store::StoreError;
use crate::users::{Operator, Role};
use rust_decimal::Decimal;

/// What a discount is taken off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountTarget {
    /// One cart line (by index).
    Line(usize),
    /// The whole sale (after the line discounts).
    Sale,
}

/// Why a checkout tool (discount, line removal, park and recall) refused.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("a discount of {share}% is above the cashier limit of {limit}%: a manager must approve it")]
    OverLimit { share: Decimal, limit: Decimal },
    #[error("a discount needs a reason")]
    NoReason,
    #[error("removing a line needs a manager's approval")]
    RemoveNeedsManager,
    #[error("the cart is empty: there is nothing to park")]
    NothingToPark,
    #[error("a sale is open: pay or park it before recalling a parked one")]
    CartOpen,
    #[error("no parked sale number {0}")]
    NoSuchParked(i64),
    #[error("the cart cannot be written down for parking: {0}")]
    CartEncoding(String),
    #[error("parked sale #{id} cannot be read ({reason}); it is kept")]
    ParkedDamaged { id: i64, reason: String },
    #[error(transparent)]
    Till(#[from] TillError),
}

impl From<SaleError> for ToolError {
    fn from(e: SaleError) -> ToolError {
        ToolError::Till(TillError::Sale(e))
    }
}

impl From<StoreError> for ToolError {
    fn from(e: StoreError) -> ToolError {
        ToolError::Till(TillError::Store(e))
    }
}

/// The discount as a percentage of what it is taken off: a percentage as it is, an amount
/// against the line's amount (or, for the sale, the subtotal after line discounts).
pub fn discount_share(cart: &Cart, target: DiscountTarget, discount: &Discount) -> Result<Decimal, SaleError> {
    let amount = match discount.kind {
        DiscountKind::Percent(p) => return Ok(p),
        DiscountKind::Amount(amount) => amount,
    };
    let totals = cart.totals()?;
    let base = match target {
        DiscountTarget::Line(index) => totals.lines.get(index).ok_or(SaleError::NoSuchLine(index))?.gross,
        DiscountTarget::Sale => totals.subtotal,
    };
    if base.is_zero() {
        // Anything off nothing is all of it (and `Discount::off` refuses it anyway).
        return Ok(Decimal::ONE_HUNDRED);
    }
    Ok(amount.amount() * Decimal::ONE_HUNDRED / base.amount())
}

/// What removing a line did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub line: CartLine,
    /// The sale discount went with it: it no longer fit the smaller sale, or it became a
    /// larger share of it than a cashier may give.
    pub sale_discount_dropped: bool,
}

impl Till {
    /// Who approves `action`: the approver given (checked against the permission table, a
    /// refusal audited), else the logged-in operator if the table lets them.
    fn approver(&mut self, action: Action, approval: Option<&Operator>) -> Result<Option<Operator>, ToolError> {
        match approval {
            Some(o) => Ok(Some(self.permit(action, Some(o))?)),
            None => Ok(self.operator().filter(|_| self.may(action)).cloned()),
        }
    }

    fn limit(&self) -> Decimal {
        self.config.sale.cashier_discount_limit_percent
    }

    /// The discounts in the cart nobody approved that are above the cashier limit, with
    /// their shares. A cart change can push one there (a smaller line under a fixed amount,
    /// a smaller sale under a fixed sale discount).
    fn unapproved_over_limit(&self, cart: &Cart) -> Result<Vec<(DiscountTarget, Decimal)>, SaleError> {
        let limit = self.limit();
        let mut over = Vec::new();
        let lines = cart
            .lines()
            .iter()
            .enumerate()
            .map(|(i, l)| (DiscountTarget::Line(i), l.discount.as_ref()));
        for (target, discount) in lines.chain([(DiscountTarget::Sale, cart.sale_discount())]) {
            if let Some(d) = discount.filter(|d| d.approved_by.is_none()) {
                let share = discount_share(cart, target, d)?;
                if share > limit {
                    over.push((target, share));
                }
            }
        }
        Ok(over)
    }

    fn over_limit_error(&self, over: &[(DiscountTarget, Decimal)]) -> ToolError {
        let share = over.iter().map(|(_, s)| *s).max().unwrap_or_default();
        ToolError::OverLimit {
            share: share.round_dp(2).normalize(),
            limit: self.limit().normalize(),
        }
    }

    /// Whether giving this discount needs a manager the till does not have yet: it (or, with
    /// it, another discount in the cart) would be above the cashier limit.
    pub fn discount_needs_manager(
        &self,
        cart: &Cart,
        target: DiscountTarget,
        discount: &Discount,
    ) -> Result<bool, ToolError> {
        if self.may(Action::DiscountOverLimit) {
            return Ok(false);
        }
        let mut next = cart.clone();
        let mut discount = discount.clone();
        discount.approved_by = None;
        set_discount(&mut next, target, Some(discount))?;
        Ok(!self.unapproved_over_limit(&next)?.is_empty())
    }

    /// Sets a discount on a line or on the sale, replacing the one there. Above the cashier
    /// limit it needs a manager (`approval`, or a manager logged in), who is then named in
    /// the discount's reason and in the audit log. The cart is unchanged on any error.
    pub fn apply_discount(
        &mut self,
        cart: &mut Cart,
        target: DiscountTarget,
        mut discount: Discount,
        approval: Option<&Operator>,
    ) -> Result<(), ToolError> {
        if discount.reason.trim().is_empty() {
            return Err(ToolError::NoReason);
        }
        let approver = self.approver(Action::DiscountOverLimit, approval)?;
        discount.approved_by = None;
        let mut next = cart.clone();
        set_discount(&mut next, target, Some(discount))?;
        let over = self.unapproved_over_limit(&next)?;
        if over.is_empty() {
            *cart = next;
            return Ok(());
        }
        let Some(manager) = approver else {
            self.deny(Action::DiscountOverLimit)?;
            return Err(self.over_limit_error(&over));
        };
        // The manager approves the discounts as they now stand, this one and any other the
        // change took above the limit.
        let mut approved = Vec::new();
        for (at, share) in &over {
            let (what, discount) = match *at {
                DiscountTarget::Line(i) => {
                    let line = next.lines().get(i).ok_or(SaleError::NoSuchLine(i))?;
                    (format!("line {} ({})", i + 1, line.sku), line.discount.clone())
                }
                DiscountTarget::Sale => ("sale".to_string(), next.sale_discount().cloned()),
            };
            if let Some(mut d) = discount {
                approved.push(format!(
                    "{what}: {} off ({}%), {}",
                    d.describe(),
                    share.round_dp(2).normalize(),
                    d.reason
                ));
                d.approved_by = Some(manager.name.clone());
                set_discount(&mut next, *at, Some(d))?;
            }
        }
        let detail = format!("{}; cashier {}", approved.join("; "), self.cashier());
        let now = self.clock.now();
        self.store.audit(now, &manager.name, "discount_approved", &detail)?;
        *cart = next;
        Ok(())
    }

    /// Takes the discount off a line or the sale: never needs a manager.
    pub fn remove_discount(&self, cart: &mut Cart, target: DiscountTarget) -> Result<(), ToolError> {
        Ok(set_discount(cart, target, None)?)
    }

    /// Changes a line's quantity; refused when that takes a discount nobody approved above
    /// the cashier limit (a fixed amount on fewer items), unless a manager is logged in.
    pub fn set_quantity(&self, cart: &mut Cart, index: usize, quantity: i64) -> Result<(), ToolError> {
        let mut next = cart.clone();
        next.set_quantity(index, quantity)?;
        if !self.may(Action::DiscountOverLimit) {
            let over = self.unapproved_over_limit(&next)?;
            if !over.is_empty() {
                return Err(self.over_limit_error(&over));
            }
        }
        *cart = next;
        Ok(())
    }

    /// Whether removing a line needs a manager's PIN right now.
    pub fn remove_line_needs_manager(&self) -> bool {
        !self.may(Action::RemoveLine)
    }

    /// Removes a cart line; with `remove_line_needs_manager` on only with a manager's
    /// approval (or a manager logged in), which is audited. A sale discount nobody approved
    /// that the smaller sale takes above the cashier limit goes too.
    pub fn remove_line(
        &mut self,
        cart: &mut Cart,
        index: usize,
        approval: Option<&Operator>,
    ) -> Result<Removed, ToolError> {
        let line = cart.lines().get(index).ok_or(SaleError::NoSuchLine(index))?;
        if self.needs(Action::RemoveLine) > Role::Cashier {
            let Some(manager) = self.approver(Action::RemoveLine, approval)? else {
                self.deny(Action::RemoveLine)?;
                return Err(ToolError::RemoveNeedsManager);
            };
            let detail = format!(
                "line {} ({} x{}, {}); cashier {}",
                index + 1,
                line.sku,
                line.quantity,
                line.unit_price.plain(),
                self.cashier()
            );
            let now = self.clock.now();
            self.store.audit(now, &manager.name, "line_removed", &detail)?;
        }
        let had_sale_discount = cart.sale_discount().is_some();
        let line = cart.remove(index)?;
        if !self.may(Action::DiscountOverLimit)
            && self
                .unapproved_over_limit(cart)?
                .iter()
                .any(|(t, _)| *t == DiscountTarget::Sale)
        {
            cart.set_sale_discount(None)?;
        }
        Ok(Removed {
            line,
            sale_discount_dropped: had_sale_discount && cart.sale_discount().is_none(),
        })
    }
}

fn set_discount(cart: &mut Cart, target: DiscountTarget, discount: Option<Discount>) -> Result<(), SaleError> {
    match target {
        DiscountTarget::Line(index) => cart.set_line_discount(index, discount),
        DiscountTarget::Sale => cart.set_sale_discount(discount),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::config::Config;
    use crate::money::{Currency, Money};
    use crate::store::Store;
    use crate::users::Role;
    use std::sync::Arc;

    fn last_kinds(till: &Till, n: i64) -> Vec<String> {
        let events = till.store().audit_tail(n).expect("audit");
        events.into_iter().map(|e| e.kind).collect()
    }

    const COLA: &str = "2000000010106"; // 3.50
    const RICE: &str = "2000000080802"; // 39.90
    const WATER: &str = "2000000020204"; // 2.00

    fn till(configure: impl FnOnce(&mut Config)) -> Till {
        let mut config = Config::demo();
        configure(&mut config);
        let store = Store::open_in_memory(config.currency).expect("store");
        let clock = Arc::new(ManualClock::new("2025-03-14T04:00:00Z".parse().expect("time")));
        Till::with_store(store, config, clock).expect("till")
    }

    fn cny(s: &str) -> Money {
        Money::parse(s, Currency::CNY).expect("amount")
    }

    fn percent(p: i64, reason: &str) -> Discount {
        Discount::percent(Decimal::from(p), reason).expect("discount")
    }

    fn person(name: &str, role: Role) -> Operator {
        Operator {
            id: 7,
            name: name.into(),
            role,
        }
    }

    #[test]
    fn a_cashier_gives_up_to_the_limit_and_a_manager_approves_beyond_it() {
        let mut till = till(|_| {});
        let mut cart = till.new_cart();
        till.scan(&mut cart, COLA).expect("cola");
        till.scan(&mut cart, RICE).expect("rice");
        let line = DiscountTarget::Line(0);
        // Opening a demo till audits its own things (its users); count from here.
        let audited = till.store().audit_count().expect("audit");

        // 10 % is the default limit: allowed alone, nothing audited.
        assert!(
            !till
                .discount_needs_manager(&cart, line, &percent(10, "dented"))
                .expect("ask")
        );
        till.apply_discount(&mut cart, line, percent(10, "dented"), None)
            .expect("within the limit");
        assert_eq!(cart.totals().expect("totals").lines[0].line_discount, cny("0.35"));
        assert_eq!(till.store().audit_count().expect("audit"), audited);

        // 30 % is refused without a manager and leaves the 10 % in place.
        assert!(
            till.discount_needs_manager(&cart, line, &percent(30, "dented"))
                .expect("ask")
        );
        let refused = till.apply_discount(&mut cart, line, percent(30, "dented"), None);
        assert!(
            matches!(refused, Err(ToolError::OverLimit { share, limit }) if share == Decimal::from(30) && limit == Decimal::from(10)),
            "{refused:?}"
        );
        assert_eq!(
            cart.lines()[0].discount.as_ref().map(|d| d.describe()),
            Some("10%".into())
        );

        // A cashier cannot approve; a manager can, and is named in the reason and the audit.
        let cashier = person("Wang", Role::Cashier);
        assert!(matches!(
            till.apply_discount(&mut cart, line, percent(30, "dented"), Some(&cashier)),
            Err(ToolError::Till(TillError::NotPermitted { who, .. })) if who == "Wang"
        ));
        let manager = till.manager_approval("1234").expect("demo manager PIN");
        till.apply_discount(&mut cart, line, percent(30, "dented"), Some(&manager))
            .expect("approved");
        let discount = cart.lines()[0].discount.clone().expect("discount");
        assert_eq!(discount.approved_by.as_deref(), Some(manager.name.as_str()));
        assert_eq!(
            discount.recorded_reason(),
            format!("dented (approved: {})", manager.name)
        );
        // 3.50 × 30 % = 1.05 off; rice 39.90; total 2.45 + 39.90.
        let totals = cart.totals().expect("totals");
        assert_eq!(totals.lines[0].line_discount, cny("1.05"));
        assert_eq!(totals.total, cny("42.35"));
        // The cashier's own try, the refused cashier approver and the approved discount, each
        // audited.
        assert_eq!(
            last_kinds(&till, 3),
            ["permission.denied", "permission.denied", "discount_approved"]
        );
        assert_eq!(till.store().audit_count().expect("audit"), audited + 3);

        // An amount is measured against what it comes off: 4.00 of the 39.90 rice is 10.03 %.
        let four = Discount::amount(cny("4.00"), "scuffed bag").expect("discount");
        assert!(
            till.discount_needs_manager(&cart, DiscountTarget::Line(1), &four)
                .expect("ask")
        );
        let three = Discount::amount(cny("3.99"), "scuffed bag").expect("discount");
        till.apply_discount(&mut cart, DiscountTarget::Line(1), three, None)
            .expect("3.99 is exactly 10 %");
        // The sale's base is the subtotal after line discounts: 2.45 + 35.91 = 38.36.
        let sale = Discount::amount(cny("3.84"), "member").expect("discount");
        assert!(
            till.discount_needs_manager(&cart, DiscountTarget::Sale, &sale)
                .expect("ask")
        );
        let sale = Discount::amount(cny("3.83"), "member").expect("discount");
        till.apply_discount(&mut cart, DiscountTarget::Sale, sale, None)
            .expect("within");
        let totals = cart.totals().expect("totals");
        assert_eq!(totals.total, cny("34.53"));
        assert_eq!(totals.line_discounts + totals.sale_discount, cny("8.87"));

        // Taking a discount off never needs anyone.
        till.remove_discount(&mut cart, line).expect("removed");
        till.remove_discount(&mut cart, DiscountTarget::Sale).expect("removed");
        assert!(cart.lines()[0].discount.is_none() && cart.sale_discount().is_none());
    }

    #[test]
    fn later_cart_changes_cannot_take_a_discount_above_the_limit_unseen() {
        let mut till = till(|_| {});
        let mut cart = till.new_cart();
        till.scan(&mut cart, &format!("{COLA}x3")).expect("cola"); // 10.50
        let off = Discount::amount(cny("1.05"), "dented").expect("d");
        till.apply_discount(&mut cart, DiscountTarget::Line(0), off, None)
            .expect("10 %");
        // Fewer colas under the same 1.05 would be 15 %: refused, the cart as it was.
        assert!(matches!(
            till.set_quantity(&mut cart, 0, 2),
            Err(ToolError::OverLimit { share, .. }) if share == Decimal::from(15)
        ));
        assert_eq!(cart.lines()[0].quantity, 3);
        till.set_quantity(&mut cart, 0, 4).expect("more is fine");

        // A fixed sale discount grows as a share when a line goes: it goes with it.
        till.scan(&mut cart, RICE).expect("rice"); // 12.95 + 39.90 = 52.85
        let five = Discount::amount(cny("5.00"), "member").expect("d");
        till.apply_discount(&mut cart, DiscountTarget::Sale, five, None)
            .expect("9.46 %");
        let removed = till.remove_line(&mut cart, 1, None).expect("removed");
        assert!(removed.sale_discount_dropped, "5.00 of 12.95 is 38.6 %");
        assert!(cart.sale_discount().is_none());

        // A line discount that makes the sale's fixed discount too large a share needs a
        // manager, who then approves that one too.
        let mut cart = till.new_cart();
        till.scan(&mut cart, COLA).expect("cola");
        till.scan(&mut cart, WATER).expect("water"); // 5.50
        let sale = Discount::amount(cny("0.55"), "member").expect("d");
        till.apply_discount(&mut cart, DiscountTarget::Sale, sale, None)
            .expect("10 %");
        let ten = percent(10, "dented");
        assert!(
            till.discount_needs_manager(&cart, DiscountTarget::Line(0), &ten)
                .expect("ask")
        );
        assert!(matches!(
            till.apply_discount(&mut cart, DiscountTarget::Line(0), ten.clone(), None),
            Err(ToolError::OverLimit { .. })
        ));
        assert!(cart.lines()[0].discount.is_none());
        let manager = till.manager_approval("1234").expect("PIN");
        till.apply_discount(&mut cart, DiscountTarget::Line(0), ten, Some(&manager))
            .expect("approved");
        assert_eq!(
            cart.lines()[0].discount.as_ref().and_then(|d| d.approved_by.clone()),
            None
        );
        assert_eq!(
            cart.sale_discount().and_then(|d| d.approved_by.clone()),
            Some(manager.name)
        );
        assert_eq!(cart.totals().expect("totals").total, cny("4.60")); // 3.15 + 2.00 - 0.55
    }

    #[test]
    fn a_manager_at_the_till_needs_no_pin_and_a_reason_is_required() {
        let mut till = till(|c| c.sale.cashier_discount_limit_percent = Decimal::ZERO);
        let mut cart = till.new_cart();
        till.scan(&mut cart, COLA).expect("cola");
        let sale = DiscountTarget::Sale;
        // Limit 0: every discount needs a manager.
        assert!(till.discount_needs_manager(&cart, sale, &percent(1, "x")).expect("ask"));
        assert!(matches!(
            till.apply_discount(&mut cart, sale, percent(5, "  "), None),
            Err(ToolError::NoReason)
        ));
        till.set_operator(Some(person("Zhao", Role::Manager)));
        assert!(
            !till
                .discount_needs_manager(&cart, sale, &percent(50, "x"))
                .expect("ask")
        );
        till.apply_discount(&mut cart, sale, percent(50, "staff"), None)
            .expect("the manager is at the till");
        assert_eq!(
            cart.sale_discount().and_then(|d| d.approved_by.as_deref()),
            Some("Zhao")
        );
        assert_eq!(cart.totals().expect("totals").total, cny("1.75"));
    }

    #[test]
    fn removing_a_line_needs_a_manager_only_when_the_rule_is_on() {
        let mut free = till(|_| {});
        let mut cart = free.new_cart();
        free.scan(&mut cart, COLA).expect("cola");
        assert!(!free.remove_line_needs_manager());
        free.remove_line(&mut cart, 0, None).expect("no rule");
        assert!(cart.is_empty());

        let mut strict = till(|c| c.sale.remove_line_needs_manager = true);
        let audited = strict.store().audit_count().expect("audit");
        let mut cart = strict.new_cart();
        strict.scan(&mut cart, COLA).expect("cola");
        strict.scan(&mut cart, RICE).expect("rice");
        assert!(strict.remove_line_needs_manager());
        assert!(matches!(
            strict.remove_line(&mut cart, 0, None),
            Err(ToolError::RemoveNeedsManager)
        ));
        assert!(matches!(
            strict.remove_line(&mut cart, 0, Some(&person("Wang", Role::Cashier))),
            Err(ToolError::Till(TillError::NotPermitted { .. }))
        ));
        assert_eq!(cart.lines().len(), 2, "nothing removed");
        let manager = strict.manager_approval("1234").expect("PIN");
        let removed = strict.remove_line(&mut cart, 0, Some(&manager)).expect("approved");
        assert_eq!(
            (removed.line.sku.as_str(), removed.sale_discount_dropped),
            ("DRK-001", false)
        );
        // Two refusals (no approver; a cashier as approver), then the approved removal.
        assert_eq!(
            last_kinds(&strict, 3),
            ["permission.denied", "permission.denied", "line_removed"]
        );
        assert_eq!(strict.store().audit_count().expect("audit"), audited + 3);
        // A manager logged in removes without a PIN.
        strict.set_operator(Some(person("Zhao", Role::Admin)));
        assert!(!strict.remove_line_needs_manager());
        strict.remove_line(&mut cart, 0, None).expect("manager at the till");
        assert!(cart.is_empty());
    }
}
