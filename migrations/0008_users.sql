-- Tillguard schema 8: the people who work the till. Users are never deleted, only made
-- inactive: sales, deferrals and the audit chain name them. The PIN is stored only as an
-- argon2id PHC string (salt and parameters inside).

CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    role            TEXT NOT NULL CHECK (role IN ('cashier', 'manager', 'admin')),
    pin_hash        TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Wrong PINs in a row at login, and the lock the last of them set.
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
-- A name picks one person on the login screen; a former employee's name may be reused.
CREATE UNIQUE INDEX users_active_name ON users(name COLLATE NOCASE) WHERE active = 1;
