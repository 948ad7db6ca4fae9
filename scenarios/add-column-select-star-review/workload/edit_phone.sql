-- Profile edit: the user enters a new phone number.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set phone random(5550000, 5559999)
UPDATE users SET phone = :phone WHERE id = :uid
