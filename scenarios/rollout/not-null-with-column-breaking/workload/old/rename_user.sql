-- Profile edit: the user changes the spelling of their name.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
UPDATE users SET name = upper(name) WHERE id = :uid
