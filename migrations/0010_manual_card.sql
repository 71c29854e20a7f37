-- Tillguard schema 10: card payments made on a standalone card device while the terminal
-- could not be reached, entered by hand (src/till/manual_card.rs). They are in no terminal
-- batch: reconciliation never counts them; reports list them on their own.

-- The tender 'manual_card' joins 'cash' and 'card'. SQLite cannot change a CHECK in place,
-- so the table is rebuilt (https://sqlite.org/lang_altertable.html, "other kinds of
-- changes"); nothing references payments yet. `SELECT *` fails loudly should an earlier
-- migration have added a column this copy does not know, instead of dropping it.
CREATE TABLE payments_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id         INTEGER NOT NULL REFERENCES sales(id),
    method          TEXT NOT NULL CHECK (method IN ('cash', 'card', 'manual_card')),
    amount_minor    INTEGER NOT NULL,
    given_minor     INTEGER,
    change_minor    INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('approved', 'declined', 'in_doubt', 'reversed')),
    created_at      TEXT NOT NULL,
    card_payment_id INTEGER REFERENCES card_payments(id)
) STRICT;
INSERT INTO payments_new SELECT * FROM payments;
DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
CREATE INDEX payments_sale ON payments(sale_id);

-- What the cashier entered for a manual card payment or refund, written with its sale in one
-- transaction. A payment always has an authorisation code; a refund may not.
CREATE TABLE manual_card_payments (
    payment_id INTEGER PRIMARY KEY REFERENCES payments(id),
    sale_id    INTEGER NOT NULL REFERENCES sales(id),
    auth_code  TEXT CHECK (auth_code IS NULL OR (length(auth_code) BETWEEN 2 AND 12
                           AND auth_code NOT GLOB '*[^0-9A-Z]*')),
    card_type  TEXT,
    last4      TEXT CHECK (last4 IS NULL OR (length(last4) = 4 AND last4 NOT GLOB '*[^0-9]*')),
    operator   TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX manual_card_payments_sale ON manual_card_payments(sale_id);
CREATE TRIGGER manual_card_no_update BEFORE UPDATE ON manual_card_payments
BEGIN SELECT RAISE(ABORT, 'manual card payments are immutable'); END;
CREATE TRIGGER manual_card_no_delete BEFORE DELETE ON manual_card_payments
BEGIN SELECT RAISE(ABORT, 'manual card payments are immutable'); END;
