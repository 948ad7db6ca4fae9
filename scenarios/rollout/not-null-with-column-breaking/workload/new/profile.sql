-- Profile page: point read by id, with the user's country.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT id, name, email, country FROM users WHERE id = :uid
