-- Abandoned checkout (application version 1): order inserted, cart total shown, rolled back.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set amount random(100, 50000)
BEGIN
\set step 1
INSERT INTO orders (customer_id, amount_cents) VALUES (:uid, :amount)
\set step 2
SELECT count(*) AS items, sum(amount_cents) AS total_cents FROM orders WHERE customer_id = :uid
\set step 3
ROLLBACK
