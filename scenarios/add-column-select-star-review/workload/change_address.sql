-- Address correction: the user gives the full ZIP+4 code for their latest order. The value
-- is a string: :zip4 comes from pgbench -D, quoted for the simple protocol (see run).
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
UPDATE orders SET ship_postcode = :zip4 WHERE id = (SELECT max(id) FROM orders WHERE user_id = :uid)
