-- ORM entity load: SELECT * by primary key.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT * FROM users WHERE id = :uid
