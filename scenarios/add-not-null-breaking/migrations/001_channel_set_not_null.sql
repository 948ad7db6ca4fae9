-- Orders from before the channel column got its default have channel NULL. SET NOT NULL
-- scans the table under an ACCESS EXCLUSIVE lock and fails on the first NULL with 23502
-- not_null_violation: the migration itself fails, exactly as it would in production.
ALTER TABLE orders ALTER COLUMN channel SET NOT NULL;
