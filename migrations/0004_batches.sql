-- Tillguard schema 4: card batches, deferrals and the settlement guard.
-- A batch is what one terminal holds since its last end-of-day. Every approved card
-- transaction (authorization, reversal, refund) is put into its terminal's unsettled batch
-- when its result is stored; the batch is created with the first one. At most one batch per
-- terminal is unsettled at a time.

CREATE TABLE batches (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    terminal       TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('open', 'settling', 'settled', 'deferred', 'failed', 'lost')),
    opened_at      TEXT NOT NULL,
    -- The business day of its first transaction.
    first_day      TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    -- Settled or lost.
    closed_at      TEXT,
    -- The highest terminal_totals id when settling began: totals after it belong to this
    -- end-of-day (a crash between storing them and marking the batch settled is resolved so).
    settling_floor INTEGER,
    -- The totals that settled it.
    totals_id      INTEGER REFERENCES terminal_totals(id),
    -- Why the last end-of-day failed.
    last_error     TEXT,
    -- Terminal totals against the ledger (JSON written by src/settlement/reconcile.rs).
    reconciliation TEXT,
    -- A manager's acknowledgement of a mismatch.
    ack_by         TEXT,
    ack_note       TEXT,
    ack_at         TEXT
) STRICT;
CREATE UNIQUE INDEX batches_one_unsettled ON batches(terminal) WHERE state NOT IN ('settled', 'lost');
CREATE INDEX batches_state ON batches(state);

CREATE TABLE deferrals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id    INTEGER NOT NULL REFERENCES batches(id),
    until       TEXT NOT NULL,
    by          TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (reason IN ('terminal_offline', 'host_unreachable', 'acquirer_maintenance', 'other')),
    reason_text TEXT,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX deferrals_batch ON deferrals(batch_id);

ALTER TABLE card_payments ADD COLUMN batch_id INTEGER REFERENCES batches(id);
CREATE INDEX card_payments_batch ON card_payments(batch_id) WHERE batch_id IS NOT NULL;

-- The trace number of the end-of-day that sent the totals: the same automatic end-of-day
-- reported twice (its acknowledgement was lost) must not settle a second batch.
ALTER TABLE terminal_totals ADD COLUMN trace INTEGER;
