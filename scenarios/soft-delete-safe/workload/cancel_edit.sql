-- Profile edit previewed, then cancelled: rolled back.
-- (\set step lines end the SQL command before them: pgbench needs a meta-command there.)
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
BEGIN
\set step 1
UPDATE users SET name = initcap(name) WHERE email = (SELECT email FROM signup_forms WHERE id = :uid)
\set step 2
SELECT name FROM users WHERE email = (SELECT email FROM signup_forms WHERE id = :uid)
\set step 3
ROLLBACK
