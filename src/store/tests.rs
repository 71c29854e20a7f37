use super::*;
use crate::catalog::{Product, parse_csv};
use crate::money::Money;
use crate::sale::{Cart, SaleDraft, pay_cash};
use jiff::civil::date;

fn at(s: &str) -> jiff::Timestamp {
    s.parse().expect("timestamp")
}

fn products() -> Vec<Product> {
    let csv = "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\n\
               A,4006381333931,可乐,Cola,3.50,13,true\nB,96385074|FREE,面包,Bread,8.00,9,false\n";
    parse_csv(csv, Currency::CNY).expect("valid csv")
}

fn draft(store: &Store) -> SaleDraft {
    let catalog = store.load_catalog().expect("catalog");
    let mut cart = Cart::new(Currency::CNY);
    cart.add(catalog.lookup("4006381333931").expect("a"), 2, Some("4006381333931"))
        .expect("add");
    cart.add(catalog.lookup("FREE").expect("b"), 1, Some("FREE"))
        .expect("add");
    let due = cart.totals().expect("totals").total;
    let given = Money::parse("20", Currency::CNY).expect("m");
    SaleDraft::from_cart(&cart, vec![pay_cash(due, Some(given)).expect("cash").payment()]).expect("draft")
}

#[test]
fn a_committed_sale_survives_reopening_exactly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(FILE_NAME);
    let id;
    let committed;
    {
        let mut store = Store::open(&path, Currency::CNY).expect("open");
        store
            .import_products(&products(), at("2026-11-26T01:00:00Z"))
            .expect("import");
        let d = draft(&store);
        committed = store
            .commit_sale(&d, date(2026, 11, 26), at("2026-11-26T02:00:00Z"), "ann")
            .expect("commit");
        id = committed.id;
    }
    let store = Store::open(&path, Currency::CNY).expect("reopen");
    let journal: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(journal, "wal");
    let sync: i64 = store
        .conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(sync, 2, "synchronous=FULL");
    let read = store.sale(id).expect("read").expect("exists");
    assert_eq!(read, committed);
    // 2 x 3.50 + 8.00 net at 9% = 7.00 + 8.72 = 15.72; change from 20 = 4.28
    assert_eq!(read.draft.total.plain(), "15.72");
    assert_eq!(read.draft.change().plain(), "4.28");
    let f = store.day_figures(date(2026, 11, 26)).expect("figures");
    assert_eq!(f.sales_count, 1);
    assert_eq!(f.sales_total.plain(), "15.72");
    assert_eq!(f.tenders[&crate::sale::PaymentMethod::Cash].plain(), "15.72");
}

#[test]
fn the_ledger_is_append_only() {
    let mut store = Store::open_in_memory(Currency::CNY).expect("open");
    store
        .import_products(&products(), at("2026-11-26T01:00:00Z"))
        .expect("import");
    let sale = store
        .commit_sale(&draft(&store), date(2026, 11, 26), at("2026-11-26T02:00:00Z"), "a")
        .expect("commit");
    for sql in [
        "UPDATE sales SET total_minor = 1",
        "DELETE FROM sales",
        "UPDATE sale_lines SET total_minor = 1",
        "DELETE FROM sale_taxes",
        "DELETE FROM audit_events",
    ] {
        let err = store.conn.execute(sql, []).expect_err(sql);
        assert!(err.to_string().contains("immutable"), "{sql}: {err}");
    }
    assert_eq!(
        store
            .sale(sale.id)
            .expect("read")
            .expect("still there")
            .draft
            .total
            .plain(),
        "15.72"
    );
}

#[test]
fn closing_a_day_numbers_z_reports_and_refuses_more_sales() {
    let mut store = Store::open_in_memory(Currency::CNY).expect("open");
    store
        .import_products(&products(), at("2026-11-26T01:00:00Z"))
        .expect("import");
    let day1 = date(2026, 11, 26);
    store
        .commit_sale(&draft(&store), day1, at("2026-11-26T02:00:00Z"), "a")
        .expect("commit");
    let counted = Money::parse("15.00", Currency::CNY).expect("m");
    let z1 = store
        .close_day(day1, counted, at("2026-11-26T12:00:00Z"), "a")
        .expect("close");
    assert_eq!(z1.z_number, Some(1));
    assert_eq!(z1.cash_difference().map(|d| d.plain()), Some("-0.72".into()));
    assert!(
        store.close_day(day1, counted, at("2026-11-26T12:00:00Z"), "a").is_err(),
        "closed twice"
    );
    let err = store
        .commit_sale(&draft(&store), day1, at("2026-11-26T13:00:00Z"), "a")
        .expect_err("closed day");
    assert!(err.to_string().contains("closed"), "{err}");
    assert_eq!(store.z_report(day1).expect("read").expect("stored"), z1);
    let day2 = date(2026, 11, 27);
    let z2 = store
        .close_day(day2, Money::zero(Currency::CNY), at("2026-11-27T12:00:00Z"), "a")
        .expect("empty day");
    assert_eq!(z2.z_number, Some(2));
    assert_eq!(z2.figures.sales_count, 0);
    assert_eq!(store.verify_audit().expect("verify"), None);
}

#[test]
fn an_edited_audit_chain_is_detected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(FILE_NAME);
    let mut store = Store::open(&path, Currency::CNY).expect("open");
    for i in 0..3 {
        store
            .audit(at("2026-11-26T01:00:00Z"), "a", "test", &format!("event {i}"))
            .expect("audit");
    }
    assert_eq!(store.verify_audit().expect("verify"), None);
    // Someone with a SQLite shell drops the guard trigger and edits event 2.
    store
        .conn
        .execute_batch("DROP TRIGGER audit_no_update; UPDATE audit_events SET detail = 'x' WHERE seq = 2;")
        .expect("edit");
    let broken = store.verify_audit().expect("verify").expect("break found");
    assert_eq!(broken.seq, 2);
}

/// A ledger of five audit events whose delete guard someone dropped.
fn five_events_unguarded(dir: &std::path::Path) -> Store {
    let mut store = Store::open(&dir.join(FILE_NAME), Currency::CNY).expect("open");
    for i in 0..5 {
        store
            .audit(at("2026-11-26T01:00:00Z"), "a", "test", &format!("event {i}"))
            .expect("audit");
    }
    let report = store.check_audit().expect("check");
    assert_eq!((report.events, report.first_break), (5, None));
    store
        .conn
        .execute_batch("DROP TRIGGER audit_no_delete")
        .expect("drop the guard");
    store
}

#[test]
fn events_deleted_from_the_end_or_the_middle_are_detected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = five_events_unguarded(dir.path());
    // The last two go: what is left still links, but stops short of the recorded head.
    store
        .conn
        .execute("DELETE FROM audit_events WHERE seq > 3", [])
        .expect("delete");
    let report = store.check_audit().expect("check");
    assert_eq!(report.events, 3);
    let broken = report.first_break.expect("break found");
    assert_eq!((broken.seq, broken.problem.as_str()), (4, "events 4 to 5 were deleted"));

    let dir = tempfile::tempdir().expect("tempdir");
    let store = five_events_unguarded(dir.path());
    store
        .conn
        .execute("DELETE FROM audit_events WHERE seq = 2", [])
        .expect("delete");
    let broken = store.verify_audit().expect("verify").expect("break found");
    assert_eq!((broken.seq, broken.problem.as_str()), (2, "event 2 is missing"));
}

#[test]
fn a_removed_head_record_is_detected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = five_events_unguarded(dir.path());
    store
        .conn
        .execute("DELETE FROM meta WHERE key = 'audit_head'", [])
        .expect("delete");
    let broken = store.verify_audit().expect("verify").expect("break found");
    assert_eq!(broken.problem, "the recorded head of the chain is gone");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(FILE_NAME);
    let junk = b"this is not a database, it is a shopping list\n".repeat(100);
    std::fs::write(&path, &junk).expect("write");
    let err = Store::open(&path, Currency::CNY).err().expect("refused");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
    assert!(err.to_string().contains("not a Tillguard database"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), junk, "file untouched");
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(FILE_NAME);
    drop(Store::open(&path, Currency::CNY).expect("create"));
    {
        let conn = rusqlite::Connection::open(&path).expect("raw");
        conn.pragma_update(None, "user_version", latest_version() + 5)
            .expect("bump");
    }
    let err = Store::open(&path, Currency::CNY).err().expect("refused");
    assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
    assert!(err.to_string().contains("newer Tillguard"), "{err}");
}

#[test]
fn the_currency_of_a_ledger_with_sales_cannot_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(FILE_NAME);
    {
        let mut store = Store::open(&path, Currency::CNY).expect("create");
        store
            .import_products(&products(), at("2026-11-26T01:00:00Z"))
            .expect("import");
        let d = draft(&store);
        store
            .commit_sale(&d, date(2026, 11, 26), at("2026-11-26T02:00:00Z"), "a")
            .expect("sale");
    }
    let eur = Currency::from_alpha("EUR").expect("eur");
    let err = Store::open(&path, eur).err().expect("refused");
    assert!(matches!(err, StoreError::CurrencyMismatch { .. }), "{err}");
}

#[test]
fn an_import_with_a_clashing_barcode_changes_nothing() {
    let mut store = Store::open_in_memory(Currency::CNY).expect("open");
    store
        .import_products(&products(), at("2026-11-26T01:00:00Z"))
        .expect("import");
    let mut clash = products();
    clash[0].sku = "C".into();
    clash[0].price = Money::parse("99", Currency::CNY).expect("m");
    clash.truncate(1);
    assert!(store.import_products(&clash, at("2026-11-26T01:00:00Z")).is_err());
    assert_eq!(store.product_count().expect("count"), 2);
    let catalog = store.load_catalog().expect("catalog");
    assert_eq!(catalog.lookup("4006381333931").expect("a").sku, "A");
    assert_eq!(
        catalog.lookup("96385074").expect("b").barcodes,
        vec!["96385074", "FREE"]
    );
}

/// A sale of one cola paid by card, as journaled with its authorization.
fn card_sale(store: &Store) -> crate::store::JournaledSale {
    let catalog = store.load_catalog().expect("catalog");
    let mut cart = Cart::new(Currency::CNY);
    cart.add(catalog.lookup("4006381333931").expect("a"), 1, None)
        .expect("add");
    let card = crate::sale::Payment {
        method: crate::sale::PaymentMethod::Card,
        amount: Money::parse("3.50", Currency::CNY).expect("m"),
        given: None,
        change: Money::zero(Currency::CNY),
        state: crate::sale::PaymentState::Approved,
        card: None,
        manual: None,
    };
    crate::store::JournaledSale {
        day: date(2026, 11, 26),
        draft: SaleDraft::from_cart(&cart, vec![card]).expect("draft"),
    }
}

fn amount(text: &str) -> Money {
    Money::parse(text, Currency::CNY).expect("amount")
}

#[test]
fn a_schema_2_ledger_gains_the_journaled_sale_and_keeps_its_card_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(FILE_NAME);
    {
        let mut conn = rusqlite::Connection::open(&path).expect("raw");
        let tx = conn.transaction().expect("tx");
        for (_, sql) in &migrate::MIGRATIONS[..2] {
            tx.execute_batch(sql).expect("old schema");
        }
        tx.execute_batch(
            "INSERT INTO meta (key, value) VALUES ('currency', 'CNY');
             INSERT INTO card_payments (kind, state, amount_minor, currency, terminal, created_at, updated_at)
               VALUES ('authorization', 'in_doubt', 350, 'CNY', 'serial /dev/ttyS0 @ 9600',
                       '2026-11-26T02:00:00Z', '2026-11-26T02:00:00Z');
             INSERT INTO card_payments (kind, state, amount_minor, currency, terminal, created_at, updated_at, trace)
               VALUES ('authorization', 'approved', 980, 'CNY', 'serial /dev/ttyS0 @ 9600',
                       '2026-11-26T03:00:00Z', '2026-11-26T03:00:00Z', 12);
             PRAGMA user_version = 2;",
        )
        .expect("schema 2 rows");
        tx.commit().expect("commit");
    }
    let store = Store::open(&path, Currency::CNY).expect("migrates");
    let version: i64 = store
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, migrate::latest_version());
    let rows = store.unresolved_cards().expect("rows");
    let states: Vec<(CardState, bool)> = rows.iter().map(|r| (r.state, r.has_draft)).collect();
    assert_eq!(states, [(CardState::InDoubt, false), (CardState::Approved, false)]);
    assert_eq!(
        store.card_sale(rows[1].id).expect("read"),
        None,
        "no draft before schema 3"
    );
    assert_eq!(rows[1].fields.trace, Some(12));
    // Nothing a Repeat Receipt could settle: the in-doubt row is older than a later approval,
    // and that approval has no sale to commit.
    assert!(!store.card_recovery_due("serial /dev/ttyS0 @ 9600").expect("due"));
}

#[test]
fn the_card_journal_keeps_the_sale_and_finds_numbers_it_already_holds() {
    let mut store = Store::open_in_memory(Currency::CNY).expect("open");
    let now = at("2026-11-26T02:00:00Z");
    store.import_products(&products(), now).expect("import");
    let sale = card_sale(&store);
    let t = "serial /dev/ttyS0 @ 9600";
    let id = store
        .card_begin(CardKind::Authorization, amount("3.50"), t, None, Some(&sale), now)
        .expect("begin");
    assert_eq!(store.card_sale(id).expect("read"), Some(sale));
    assert!(store.card_recovery_due(t).expect("due"), "the newest row is pending");
    let fields = CardResultFields {
        trace: Some(40),
        receipt_no: Some(7),
        terminal_id: Some("52523535".into()),
        ..CardResultFields::default()
    };
    store
        .card_record(id, CardState::Approved, &fields, jiff::civil::date(2026, 11, 26), now)
        .expect("record");
    assert!(store.card_recovery_due(t).expect("due"), "approved, sale not committed");
    let found = |terminal: &str, tid: Option<&str>, trace, receipt| {
        store.card_with_numbers(terminal, tid, trace, receipt).expect("query")
    };
    assert_eq!(found(t, None, Some(40), Some(7)), Some(id));
    assert_eq!(found(t, None, None, Some(7)), Some(id));
    assert_eq!(found(t, None, Some(40), Some(8)), None);
    assert_eq!(found("tcp other", None, Some(40), Some(7)), None, "another terminal");
    assert_eq!(
        found("tcp renamed", Some("52523535"), Some(40), Some(7)),
        Some(id),
        "same terminal id"
    );
    assert_eq!(found(t, None, None, None), None, "no numbers, no match");
    store
        .conn
        .execute("UPDATE card_payments SET draft = '{\"version\": 1' WHERE id = ?1", [id])
        .expect("edit");
    let err = store.card_sale(id).expect_err("damaged");
    assert!(err.to_string().contains(&format!("card payment #{id}")), "{err}");
    store
        .card_set_state(id, CardState::Cancelled, "test", now)
        .expect("state");
    assert!(!store.card_recovery_due(t).expect("due"));
    assert!(
        store.card_set_state(id + 1, CardState::Declined, "x", now).is_err(),
        "no such row"
    );
}

#[test]
fn a_reversed_card_payment_reverses_the_payment_it_refers_to() {
    let mut store = Store::open_in_memory(Currency::CNY).expect("open");
    let now = at("2026-11-26T02:00:00Z");
    store.import_products(&products(), now).expect("import");
    let t = "fake";
    let journaled = card_sale(&store);
    let auth = store
        .card_begin(CardKind::Authorization, amount("3.50"), t, None, Some(&journaled), now)
        .expect("begin");
    let card = |journal_id| crate::sale::CardDetails {
        journal_id,
        ..Default::default()
    };
    let draft = crate::store::with_card(journaled.draft, card(auth)).expect("card");
    let sale = store.commit_sale(&draft, journaled.day, now, "a").expect("sale");
    let reversal = store
        .card_begin(CardKind::Reversal, amount("3.50"), t, Some(auth), None, now)
        .expect("begin");
    let mut void = crate::sale::build_refund(&sale, &[], &Default::default()).expect("refund");
    void.payments[0].method = crate::sale::PaymentMethod::Card;
    void.payments[0].state = crate::sale::PaymentState::Reversed;
    void.payments[0].card = Some(card(reversal));
    store.commit_sale(&void, journaled.day, now, "a").expect("void");
    let original = store.sale(sale.id).expect("read").expect("sale");
    assert_eq!(original.draft.payments[0].state, crate::sale::PaymentState::Reversed);
    let figures = store.day_figures(journaled.day).expect("figures");
    assert_eq!(figures.tenders.get(&crate::sale::PaymentMethod::Card), None);
    assert_eq!((figures.sales_count, figures.refunds_count), (1, 1));
}

#[test]
fn a_z_report_stored_before_card_settlement_existed_still_loads() {
    let mut store = Store::open_in_memory(Currency::CNY).expect("open");
    let day = date(2026, 11, 26);
    let z = store
        .close_day(
            day,
            Money::parse("0", Currency::CNY).expect("m"),
            at("2026-11-26T20:00:00Z"),
            "ann",
        )
        .expect("close");
    assert!(z.card_settlement.is_some(), "new Z-reports carry the section");
    // The same report as an older Tillguard stored it: without the key.
    let mut body = z.to_json();
    body.as_object_mut().expect("object").remove("card_settlement");
    let older = date(2026, 11, 25);
    body["business_day"] = older.to_string().into();
    body["z_number"] = 99.into();
    let older_text = older.to_string();
    store
        .conn
        .execute(
            "INSERT INTO business_days (day, opened_at, closed_at, z_number) VALUES (?1, 'x', 'x', 99)",
            [&older_text],
        )
        .expect("day");
    store
        .conn
        .execute(
            "INSERT INTO z_reports (z_number, business_day, created_at, body) VALUES (99, ?1, 'x', ?2)",
            [&older_text, &body.to_string()],
        )
        .expect("z");
    let read = store.z_report(older).expect("loads").expect("stored");
    assert_eq!((read.z_number, &read.card_settlement), (Some(99), &None));
    assert_eq!(read.to_json()["card_settlement"], serde_json::Value::Null);
}

#[test]
fn unresolved_card_rows_are_looked_up_not_scanned() {
    // Without this, `status` read every approved card row of the ledger's history, twice.
    let store = Store::open_in_memory(Currency::CNY).expect("open");
    let plan = |sql: &str| -> Vec<String> {
        let mut stmt = store.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("plan");
        stmt.query_map([], |r| r.get::<_, String>(3))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("detail")
    };
    for sql in [
        format!("SELECT id FROM card_payments WHERE {} ORDER BY id", card::UNRESOLVED),
        "SELECT EXISTS (SELECT 1 FROM card_payments WHERE state = 'approved' AND sale_id IS NULL AND draft IS NOT NULL)"
            .to_string(),
    ] {
        let steps = plan(&sql);
        assert!(
            steps.iter().any(|s| s.contains("card_payments_state_sale"))
                && !steps.iter().any(|s| s.starts_with("SCAN card_payments")),
            "{sql}: {steps:?}"
        );
    }
}
