-- Profile page: the account of a person, looked up by e-mail address.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT name, created_at FROM users WHERE email = (SELECT email FROM signup_forms WHERE id = :uid)
