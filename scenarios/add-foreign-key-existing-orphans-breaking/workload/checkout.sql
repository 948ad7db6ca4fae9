-- Checkout (application version 1): the order is written for the customer id held in the
-- session, which outlives a closed account: a stale session of a closed account still
-- inserts an order for a customer id that no longer exists (an orphan).
-- (\set step lines end the SQL command before them: pgbench needs a meta-command there.)
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set amount random(100, 50000)
BEGIN
\set step 1
INSERT INTO orders (customer_id, amount_cents) VALUES (:uid, :amount)
\set step 2
UPDATE customers SET last_order_cents = :amount WHERE id = :uid
\set step 3
COMMIT
