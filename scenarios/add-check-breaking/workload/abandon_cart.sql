-- Abandoned checkout (application version 1): order inserted with the coupon, the amount
-- due shown, then rolled back.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set amount random(100, 5000)
\set coupon random(0, 1500)
BEGIN
\set step 1
INSERT INTO orders (customer_id, amount_cents, discount_cents) VALUES (:uid, :amount, :coupon)
\set step 2
SELECT count(*) AS items, sum(amount_cents - discount_cents) AS due_cents FROM orders WHERE customer_id = :uid
\set step 3
ROLLBACK
