-- Expand and backfill at once, before anything keeps full_name up to date: the copy is
-- complete when it runs, and every row the old application writes afterwards (a sign-up, a
-- name edited) leaves full_name behind until the dual write starts.
ALTER TABLE users ADD COLUMN full_name text;
UPDATE users SET full_name = name;
