-- Account page: point read by id (the session's customer id).
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT id, name, email FROM customers WHERE id = :uid
