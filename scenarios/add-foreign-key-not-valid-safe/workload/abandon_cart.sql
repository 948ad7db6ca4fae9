-- Abandoned checkout (application version 2): order inserted only for an existing
-- customer, cart total shown (orders of existing customers only), rolled back.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set amount random(100, 50000)
BEGIN
\set step 1
INSERT INTO orders (customer_id, amount_cents) SELECT id, :amount FROM customers WHERE id = :uid
\set step 2
SELECT count(*) AS items, sum(o.amount_cents) AS total_cents FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.id = :uid
\set step 3
ROLLBACK
