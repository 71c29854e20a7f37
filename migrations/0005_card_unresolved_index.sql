-- Tillguard schema 5: finding unresolved card transactions without reading the whole journal.
-- `status`, the guard and the check before every card transaction look for rows pending, in
-- doubt, or approved without their sale (src/store/card.rs). With only an index on state,
-- "approved AND sale_id IS NULL" visited every approved row of the ledger's history (a year
-- of card sales: ~35 ms, twice per `status`). Indexed on (state, sale_id) it is a lookup.
-- The new index serves every query the one on state alone did.
CREATE INDEX card_payments_state_sale ON card_payments(state, sale_id);
DROP INDEX card_payments_state;
