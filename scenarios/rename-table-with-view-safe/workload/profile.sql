-- Profile page: point read by id, naming the column the migration renames.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT id, name, email FROM users WHERE id = :uid
