-- Accept an invitation (application version 2, deployed before the unique index): the
-- account is created only if no account has that e-mail address yet, and ON CONFLICT DO
-- NOTHING makes the INSERT idempotent once the unique index exists (a concurrent double
-- click then inserts nothing instead of failing). The invitation is stamped only once.
-- (\set step lines end the SQL command before them: pgbench needs a meta-command there.)
\set inv 1 + (:cbase + :client_id) * 5 + random(0, 4)
BEGIN
\set step 1
INSERT INTO users (email, name, created_at) SELECT i.email, i.name, i.created_at FROM invitations i WHERE i.id = :inv AND NOT EXISTS (SELECT FROM users u WHERE u.email = i.email) ON CONFLICT DO NOTHING
\set step 2
UPDATE invitations SET accepted_at = statement_timestamp() WHERE id = :inv AND accepted_at IS NULL
\set step 3
COMMIT
