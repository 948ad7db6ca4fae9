-- Profile page: point read by id.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT id, name, email FROM users WHERE id = :uid
