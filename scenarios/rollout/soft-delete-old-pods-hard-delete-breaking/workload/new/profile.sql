-- Profile page: point read by id, of an open account.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT id, name, email FROM users WHERE id = :uid AND deleted_at IS NULL
