-- The reporting code will rely on every event having a time: declare `at` NOT NULL, without
-- scanning the table under an exclusive lock.
-- Step 1: the constraint, NOT VALID: checked for every new or updated row from now on, but
-- the existing rows are not scanned, so its ACCESS EXCLUSIVE lock lasts a moment.
ALTER TABLE order_events ADD CONSTRAINT order_events_at_not_null CHECK (at IS NOT NULL) NOT VALID;
-- Step 2: validate. This scans the table, under SHARE UPDATE EXCLUSIVE: reads and writes go on.
ALTER TABLE order_events VALIDATE CONSTRAINT order_events_at_not_null;
-- Step 3: SET NOT NULL. From PostgreSQL 12 the validated CHECK proves that no row is NULL, so
-- it skips its own scan: the ACCESS EXCLUSIVE lock again lasts a moment.
ALTER TABLE order_events ALTER COLUMN at SET NOT NULL;
-- Step 4: the CHECK has done its work (the column's NOT NULL now says the same).
ALTER TABLE order_events DROP CONSTRAINT order_events_at_not_null;
