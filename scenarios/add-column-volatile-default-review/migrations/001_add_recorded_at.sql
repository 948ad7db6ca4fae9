-- The audit wants to know when each event reached the database, besides when it happened
-- (`at`): a column for it, filled by the server's clock.
-- A volatile default (clock_timestamp() gives every row its own value) cannot be stored once
-- in the catalog as a constant default is: ADD COLUMN computes it for every existing row and
-- rewrites the whole table (and its index) under an ACCESS EXCLUSIVE lock, which every read
-- and every write of order_events waits for until the rewrite ends.
ALTER TABLE order_events ADD COLUMN recorded_at timestamptz DEFAULT clock_timestamp();
