-- Tillguard schema 13: incidents and the alert queue (src/store/incidents.rs, src/alert/).
-- An incident records something that puts money or the record at risk (a lost batch, a
-- reconciliation mismatch, a deferral, a payment in doubt, a clock jump, a failed backup, a
-- device offline too long): what happened and what the till did, then the manager's cause
-- analysis and remedy until it is closed. `key` names the fact it was opened for, so the same
-- fact never opens two incidents (the sweep that finds them runs again after a crash).
CREATE TABLE incidents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL CHECK (kind IN ('lost_batch', 'mismatch', 'deferral', 'payment_in_doubt',
                                               'clock_jump', 'backup_failed', 'terminal_offline', 'printer_offline')),
    key          TEXT NOT NULL UNIQUE,
    opened_at    TEXT NOT NULL,
    terminal     TEXT,
    batch_id     INTEGER REFERENCES batches(id),
    amount_minor INTEGER,
    what         TEXT NOT NULL,
    action       TEXT NOT NULL,
    cause        TEXT NOT NULL DEFAULT '',
    remedy       TEXT NOT NULL DEFAULT '',
    updated_at   TEXT,
    updated_by   TEXT,
    closed_at    TEXT,
    closed_by    TEXT
) STRICT;
CREATE INDEX incidents_open ON incidents(closed_at, id);

-- Alerts waiting for (or given to) the webhook and the mail server: queued in the transaction
-- that opens the incident, so an alert survives the till being offline or restarted.
-- `incident_id` is NULL for a test alert. Times to compare are unix seconds.
CREATE TABLE alert_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER REFERENCES incidents(id),
    channel     TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    json        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_unix   INTEGER NOT NULL,
    sent_at     TEXT,
    last_error  TEXT
) STRICT;
CREATE INDEX alert_outbox_due ON alert_outbox(next_unix) WHERE sent_at IS NULL;
CREATE INDEX alert_outbox_incident ON alert_outbox(incident_id);

-- The incident sweep looks for clock jumps and failed backups in the audit log by kind.
CREATE INDEX audit_events_kind ON audit_events(kind);
