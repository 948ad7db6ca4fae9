-- Account page.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT id, name, last_order_cents FROM customers WHERE id = :uid
