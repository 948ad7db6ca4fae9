-- Login: look the account(s) up by e-mail address.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT name, created_at FROM users WHERE email = (SELECT email FROM users WHERE id = :uid) ORDER BY created_at
