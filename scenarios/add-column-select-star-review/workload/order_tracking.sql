-- Order tracking: the user's orders with their shipping postcodes.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT id, amount_cents, ship_postcode FROM orders WHERE user_id = :uid ORDER BY id
