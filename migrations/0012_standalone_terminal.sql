-- Tillguard schema 12: standalone card terminals (no cable to the till; src/till/standalone.rs).
-- Their payments are journaled in card_payments like a ZVT terminal's, in its batches, so the
-- guard, the reports and the claim list treat them alike; `manual` marks what a person typed
-- from the terminal's slip instead of what a terminal reported.
ALTER TABLE card_payments ADD COLUMN manual INTEGER NOT NULL DEFAULT 0 CHECK (manual IN (0, 1));
-- The slip's reference when the terminal prints no voucher number.
ALTER TABLE card_payments ADD COLUMN reference TEXT;
-- A voucher number is typed once per batch (a second entry is a typo or a double booking).
CREATE UNIQUE INDEX card_payments_voucher ON card_payments(batch_id, receipt_no)
    WHERE manual = 1 AND batch_id IS NOT NULL AND receipt_no IS NOT NULL;

-- A settlement slip's totals as typed, with who typed them and when the operator says the
-- terminal settled (terminal_totals.context = 'settlement_slip').
ALTER TABLE terminal_totals ADD COLUMN entered_by TEXT;
ALTER TABLE terminal_totals ADD COLUMN settled_at TEXT;
