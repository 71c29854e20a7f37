-- Tillguard schema 9: checkout tools (quick keys with categories, parked sales).

-- A product's category tab on the quick-key grid (both empty = none), and its quick key:
-- NULL = not on the grid, 0 = on the grid in catalog order, N >= 1 = at position N (first).
ALTER TABLE products ADD COLUMN category_zh TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN category_en TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN quick_key INTEGER CHECK (quick_key IS NULL OR quick_key BETWEEN 0 AND 9999);

-- A cart put aside (挂单) to serve the next customer, until it is recalled (the row is then
-- deleted). The cart is JSON (SKUs, quantities, discounts); prices are re-read from the
-- catalog on recall, so the summary here is what it was worth when parked.
CREATE TABLE parked_sales (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    parked_at   TEXT NOT NULL,
    parked_by   TEXT NOT NULL,
    line_count  INTEGER NOT NULL CHECK (line_count > 0),
    item_count  INTEGER NOT NULL CHECK (item_count > 0),
    currency    TEXT NOT NULL,
    total_minor INTEGER NOT NULL CHECK (total_minor >= 0),
    cart        TEXT NOT NULL
) STRICT;
