-- Tillguard schema 1: catalog, business days, sales ledger, Z-reports, audit chain.
-- Money is INTEGER minor units; tax rates are INTEGER hundredths of a percent (1300 = 13%).
-- Times are RFC 3339 UTC text; business days are YYYY-MM-DD text.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE products (
    sku                TEXT PRIMARY KEY,
    name_zh            TEXT NOT NULL,
    name_en            TEXT NOT NULL,
    price_minor        INTEGER NOT NULL CHECK (price_minor >= 0),
    tax_bp             INTEGER NOT NULL CHECK (tax_bp BETWEEN 0 AND 10000),
    price_includes_tax INTEGER NOT NULL CHECK (price_includes_tax IN (0, 1)),
    active             INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at         TEXT NOT NULL
) STRICT;

CREATE TABLE barcodes (
    code TEXT PRIMARY KEY,
    sku  TEXT NOT NULL REFERENCES products(sku) ON DELETE CASCADE
) STRICT;
CREATE INDEX barcodes_sku ON barcodes(sku);

CREATE TABLE business_days (
    day        TEXT PRIMARY KEY,
    opened_at  TEXT NOT NULL,
    closed_at  TEXT,
    z_number   INTEGER UNIQUE
) STRICT;

CREATE TABLE sales (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    kind                 TEXT NOT NULL CHECK (kind IN ('sale', 'refund')),
    refund_of            INTEGER REFERENCES sales(id),
    business_day         TEXT NOT NULL REFERENCES business_days(day),
    created_at           TEXT NOT NULL,
    cashier              TEXT NOT NULL,
    currency             TEXT NOT NULL,
    total_minor          INTEGER NOT NULL,
    tax_minor            INTEGER NOT NULL,
    discount_minor       INTEGER NOT NULL,
    sale_discount_minor  INTEGER NOT NULL,
    sale_discount_reason TEXT,
    change_minor         INTEGER NOT NULL,
    CHECK ((kind = 'refund') = (refund_of IS NOT NULL))
) STRICT;
CREATE INDEX sales_day ON sales(business_day, kind);
CREATE INDEX sales_refund_of ON sales(refund_of) WHERE refund_of IS NOT NULL;

CREATE TABLE sale_lines (
    sale_id                   INTEGER NOT NULL REFERENCES sales(id),
    line_no                   INTEGER NOT NULL,
    sku                       TEXT NOT NULL,
    barcode                   TEXT,
    name_zh                   TEXT NOT NULL,
    name_en                   TEXT NOT NULL,
    quantity                  INTEGER NOT NULL,
    unit_price_minor          INTEGER NOT NULL,
    tax_bp                    INTEGER NOT NULL,
    price_includes_tax        INTEGER NOT NULL,
    gross_minor               INTEGER NOT NULL,
    line_discount_minor       INTEGER NOT NULL,
    discount_reason           TEXT,
    sale_discount_share_minor INTEGER NOT NULL,
    total_minor               INTEGER NOT NULL,
    refund_of_line            INTEGER,
    PRIMARY KEY (sale_id, line_no),
    CHECK (gross_minor - line_discount_minor - sale_discount_share_minor = total_minor)
) STRICT;

CREATE TABLE sale_taxes (
    sale_id     INTEGER NOT NULL REFERENCES sales(id),
    tax_bp      INTEGER NOT NULL,
    gross_minor INTEGER NOT NULL,
    tax_minor   INTEGER NOT NULL,
    PRIMARY KEY (sale_id, tax_bp)
) STRICT;

-- Payment rows may change state later (card outcomes resolved by recovery); sales may not.
CREATE TABLE payments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id      INTEGER NOT NULL REFERENCES sales(id),
    method       TEXT NOT NULL CHECK (method IN ('cash', 'card')),
    amount_minor INTEGER NOT NULL,
    given_minor  INTEGER,
    change_minor INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('approved', 'declined', 'in_doubt', 'reversed')),
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX payments_sale ON payments(sale_id);

CREATE TABLE z_reports (
    z_number     INTEGER PRIMARY KEY,
    business_day TEXT NOT NULL UNIQUE REFERENCES business_days(day),
    created_at   TEXT NOT NULL,
    body         TEXT NOT NULL
) STRICT;

-- Each event carries the SHA-256 of the previous one: editing or deleting a row breaks the chain.
CREATE TABLE audit_events (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;

-- The ledger is append-only.
CREATE TRIGGER sales_no_update BEFORE UPDATE ON sales BEGIN SELECT RAISE(ABORT, 'sales are immutable'); END;
CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales BEGIN SELECT RAISE(ABORT, 'sales are immutable'); END;
CREATE TRIGGER sale_lines_no_update BEFORE UPDATE ON sale_lines BEGIN SELECT RAISE(ABORT, 'sale lines are immutable'); END;
CREATE TRIGGER sale_lines_no_delete BEFORE DELETE ON sale_lines BEGIN SELECT RAISE(ABORT, 'sale lines are immutable'); END;
CREATE TRIGGER sale_taxes_no_update BEFORE UPDATE ON sale_taxes BEGIN SELECT RAISE(ABORT, 'sale taxes are immutable'); END;
CREATE TRIGGER sale_taxes_no_delete BEFORE DELETE ON sale_taxes BEGIN SELECT RAISE(ABORT, 'sale taxes are immutable'); END;
CREATE TRIGGER z_reports_no_update BEFORE UPDATE ON z_reports BEGIN SELECT RAISE(ABORT, 'Z-reports are immutable'); END;
CREATE TRIGGER z_reports_no_delete BEFORE DELETE ON z_reports BEGIN SELECT RAISE(ABORT, 'Z-reports are immutable'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit events are immutable'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit events are immutable'); END;
-- A closed day takes no more sales.
CREATE TRIGGER sales_day_open BEFORE INSERT ON sales
WHEN (SELECT closed_at FROM business_days WHERE day = NEW.business_day) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'business day is closed'); END;
