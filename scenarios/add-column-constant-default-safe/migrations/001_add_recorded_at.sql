-- The audit wants to know when each event reached the database, besides when it happened
-- (`at`): the same column, added without a rewrite.
-- Step 1: a constant default. Since PostgreSQL 11 it is stored once in the catalog and read
-- for the existing rows; no row is rewritten, and the ACCESS EXCLUSIVE lock lasts a moment.
-- The events from before the column existed get the day it was added.
ALTER TABLE order_events ADD COLUMN recorded_at timestamptz DEFAULT '2026-12-01 00:00:00+00';
-- Step 2: the server's clock for the rows written from now on. SET DEFAULT changes only the
-- catalog (existing rows keep their value): again a moment's lock, no rewrite.
ALTER TABLE order_events ALTER COLUMN recorded_at SET DEFAULT clock_timestamp();
