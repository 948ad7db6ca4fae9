-- Profile page: point read by id, with the phone number.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT id, name, email, phone FROM users WHERE id = :uid
