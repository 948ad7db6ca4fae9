-- User ids will soon pass 2^31: widen order_events.user_id from integer to bigint, in place.
-- int4 and int8 are stored differently, so ALTER COLUMN ... TYPE bigint rewrites every row
-- of the table (and rebuilds its index) under an ACCESS EXCLUSIVE lock: every read and every
-- write of order_events waits until the rewrite ends.
ALTER TABLE order_events ALTER COLUMN user_id TYPE bigint;
