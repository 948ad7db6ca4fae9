-- Account edit.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
UPDATE customers SET name = upper(name) WHERE id = :uid
