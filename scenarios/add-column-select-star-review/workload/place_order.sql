-- Checkout: insert the order with its shipping postcode, then confirm the contact address
-- (shown back to the user), atomically.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set unit_price random(100, 10000)
\set postcode random(10000, 99999)
BEGIN
\set quantity random(1, 5)
\set amount :unit_price * :quantity
INSERT INTO orders (user_id, amount_cents, ship_postcode) VALUES (:uid, :amount, :postcode) RETURNING user_id, amount_cents \gset order_
UPDATE users SET email = lower(email) WHERE id = :uid RETURNING email \gset confirmed_
COMMIT
