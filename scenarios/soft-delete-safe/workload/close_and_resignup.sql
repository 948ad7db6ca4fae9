-- A person closes their account (the application deletes it) and later signs up again
-- with the same e-mail address: two requests, each in its own transaction.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
DELETE FROM users WHERE email = (SELECT email FROM signup_forms WHERE id = :uid)
\set step 2
INSERT INTO users (email, name, created_at) SELECT email, name, submitted_at FROM signup_forms WHERE id = :uid
