-- The activity page will read a user's events by kind: the same index, built concurrently.
-- CREATE INDEX CONCURRENTLY takes a SHARE UPDATE EXCLUSIVE lock, which does not conflict with
-- the application's writes (ROW EXCLUSIVE): it waits for them instead (for the transactions
-- older than each of its phases), and nobody waits for it.
CREATE INDEX CONCURRENTLY order_events_user_kind_idx ON order_events (user_id, kind);
