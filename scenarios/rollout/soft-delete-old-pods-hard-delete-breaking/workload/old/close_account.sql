-- Close account: the user's row goes.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
DELETE FROM users WHERE id = :uid
