-- Tillguard schema 3: card recovery.
-- The sale (or refund record) a card transaction pays for, journaled with the intent so that
-- recovery can commit it when the process died after the terminal approved. JSON written by
-- src/store/card_draft.rs; NULL on rows written before this version.
ALTER TABLE card_payments ADD COLUMN draft TEXT;
-- Recovery looks up a terminal's rows, and whether a result's numbers are already known.
CREATE INDEX card_payments_terminal ON card_payments(terminal, state);
CREATE INDEX card_payments_trace ON card_payments(trace) WHERE trace IS NOT NULL;
