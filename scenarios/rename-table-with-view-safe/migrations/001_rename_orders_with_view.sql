-- Rename the table and keep the old name as a view over it: the view is automatically
-- updatable (one table, plain columns), so the old application's SELECTs, INSERTs (with
-- RETURNING) and UPDATEs through `orders` keep working, and the identity default of
-- purchases.id still applies to INSERTs through the view. New code uses purchases; the view
-- is dropped once no old code is left.
ALTER TABLE orders RENAME TO purchases;

CREATE VIEW orders AS
SELECT id, user_id, amount_cents
FROM purchases;
