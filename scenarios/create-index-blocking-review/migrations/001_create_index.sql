-- The activity page will read a user's events by kind: an index for it, built the plain way.
-- CREATE INDEX holds a SHARE lock on order_events for the whole build: every INSERT, UPDATE
-- and DELETE of the table waits until the build ends.
CREATE INDEX order_events_user_kind_idx ON order_events (user_id, kind);
