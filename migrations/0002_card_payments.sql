-- Tillguard schema 2: the card-payment journal.
-- A row is written (state 'pending') before the terminal is asked, updated with the
-- terminal's Status-Information before that is acknowledged, and linked to its sale once the
-- sale is committed. 'in_doubt' rows wait for recovery and are never dropped.

CREATE TABLE card_payments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL CHECK (kind IN ('authorization', 'reversal', 'refund')),
    state         TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'declined', 'in_doubt', 'cancelled')),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency      TEXT NOT NULL,
    terminal      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    sale_id       INTEGER REFERENCES sales(id),
    refers_to     INTEGER REFERENCES card_payments(id),
    result_code   INTEGER,
    trace         INTEGER,
    receipt_no    INTEGER,
    card_type     TEXT,
    card_name     TEXT,
    pan           TEXT,
    terminal_id   TEXT,
    terminal_time TEXT,
    slip          TEXT,
    note          TEXT
) STRICT;
CREATE INDEX card_payments_state ON card_payments(state);
CREATE INDEX card_payments_sale ON card_payments(sale_id) WHERE sale_id IS NOT NULL;

-- A sale's card tender points at its journal row.
ALTER TABLE payments ADD COLUMN card_payment_id INTEGER REFERENCES card_payments(id);

-- Totals a terminal reported for its batch (end-of-day, turnover totals, or an automatic
-- end-of-day that arrived inside another exchange). Kept exactly as received.
CREATE TABLE terminal_totals (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at  TEXT NOT NULL,
    terminal     TEXT NOT NULL,
    context      TEXT NOT NULL,
    result_code  INTEGER,
    total_minor  INTEGER,
    receipt_from INTEGER,
    receipt_to   INTEGER,
    per_card     TEXT NOT NULL
) STRICT;
