-- Expand, step 2: a compatibility view under the old name, with the old column name, in
-- the original column order, so the running (old) code sees exactly the old table:
-- SELECT * returns id, name, email, created_at as before. A single-table view without
-- aggregates, DISTINCT, joins or set operations is automatically updatable, so the old
-- code's INSERT, UPDATE ... RETURNING and DELETE go through it to users_v2 (and an INSERT
-- that omits id still gets users_v2's identity default).
-- Apply 001 and 002 in one transaction in production, so no query sees the gap between them.
CREATE VIEW users AS SELECT id, full_name AS name, email, created_at FROM users_v2;
-- Contract (a later migration, once no old code is left): DROP VIEW users; and, if wanted,
-- ALTER TABLE users_v2 RENAME TO users;
