-- Accept an invitation (application version 1): creates the account from the invitation.
-- It does not check whether the invitation was already accepted, so a second click (or a
-- retried request) creates a second account with the same e-mail address.
-- (\set step lines end the SQL command before them: pgbench needs a meta-command there.)
\set inv 1 + (:cbase + :client_id) * 5 + random(0, 4)
BEGIN
\set step 1
INSERT INTO users (email, name, created_at) SELECT email, name, created_at FROM invitations WHERE id = :inv
\set step 2
UPDATE invitations SET accepted_at = statement_timestamp() WHERE id = :inv
\set step 3
COMMIT
