-- Abandoned checkout: the order is inserted, the cart total shown, then the user leaves and
-- the transaction is rolled back.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set postcode random(10000, 99999)
BEGIN
\set amount random(100, 50000)
INSERT INTO orders (user_id, amount_cents, ship_postcode) VALUES (:uid, :amount, :postcode) RETURNING user_id, amount_cents \gset cart_
SELECT count(*) AS item_count, sum(amount_cents) AS total_cents FROM orders WHERE user_id = :uid \gset cart_
ROLLBACK
