-- Expand, step 1: the table gets its new name and the column its new name.
-- New code uses users_v2.full_name. Both renames are catalog-only (no rewrite); they take
-- an ACCESS EXCLUSIVE lock on the table for a moment, so run them with a short
-- lock_timeout in production. The foreign key orders.user_id follows the table (it
-- references the relation, not its name), and so does the identity sequence of id.
ALTER TABLE users RENAME TO users_v2;
ALTER TABLE users_v2 RENAME COLUMN name TO full_name;
