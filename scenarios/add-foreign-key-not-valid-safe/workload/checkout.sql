-- Checkout (application version 2): the order is written only if the session's customer
-- still exists (a stale session of a closed account inserts nothing), in the same
-- statement, so no orphan can be created.
-- (\set step lines end the SQL command before them: pgbench needs a meta-command there.)
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set amount random(100, 50000)
BEGIN
\set step 1
INSERT INTO orders (customer_id, amount_cents) SELECT id, :amount FROM customers WHERE id = :uid
\set step 2
UPDATE customers SET last_order_cents = :amount WHERE id = :uid
\set step 3
COMMIT
