-- Tillguard schema 6: the check made before every card transaction asks for the terminal's
-- newest journal row (src/store/card.rs, card_recovery_due). Without an index on (terminal, id)
-- SQLite sorted every row of that terminal: 1-2 ms at 4,000 card payments, growing with the
-- ledger's history. With it the newest row is the first index entry read.
CREATE INDEX card_payments_terminal_newest ON card_payments(terminal, id);
