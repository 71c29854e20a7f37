-- The print queue: a job is stored before it is sent and is done only once fully written,
-- so a printer that is out of paper or offline never loses a receipt.
CREATE TABLE print_jobs (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    -- receipt, report_x, report_z, settlement, deferral, claim, test
    kind TEXT NOT NULL,
    -- what it prints: a sale id, a Z number, a batch id ...
    reference TEXT,
    -- a reprint from history, marked COPY on paper
    copy INTEGER NOT NULL DEFAULT 0 CHECK (copy IN (0, 1)),
    -- the laid-out document (JSON); encoded for the printer when sent
    doc TEXT NOT NULL,
    open_drawer INTEGER NOT NULL DEFAULT 0 CHECK (open_drawer IN (0, 1)),
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    -- where it went last (serial:..., tcp:..., file:...)
    printer TEXT,
    updated_at TEXT NOT NULL,
    printed_at TEXT
);
CREATE INDEX print_jobs_unfinished ON print_jobs (state) WHERE state <> 'done';
CREATE INDEX print_jobs_reference ON print_jobs (kind, reference);

