-- Checkout with a coupon (application version 1): the coupon's value is stored as the
-- discount as it is, even when the coupon is worth more than the order.
-- (\set step lines end the SQL command before them: pgbench needs a meta-command there.)
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set amount random(100, 5000)
\set coupon random(0, 1500)
BEGIN
\set step 1
INSERT INTO orders (customer_id, amount_cents, discount_cents) VALUES (:uid, :amount, :coupon)
\set step 2
UPDATE customers SET last_order_cents = :amount WHERE id = :uid
\set step 3
COMMIT
