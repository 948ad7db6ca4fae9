-- Sign-up of a colleague with the same name and address (a copy of one of this session's users).
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
INSERT INTO users (name, email) SELECT name, email FROM users WHERE id = :uid
