-- Job change with preview: the new employer is set and shown back; the user confirms
-- (COMMIT) or, for a quarter of the choices, cancels (ROLLBACK, via \if).
-- (\set step lines end the SQL command before them: pgbench needs a meta-command there.)
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set cid random(1, 12)
\set confirm random(0, 3)
BEGIN
\set step 1
UPDATE users SET company = (SELECT name FROM companies WHERE id = :cid) WHERE id = :uid
\set step 2
SELECT name, company FROM users WHERE id = :uid
\if :confirm
COMMIT
\else
ROLLBACK
\endif
