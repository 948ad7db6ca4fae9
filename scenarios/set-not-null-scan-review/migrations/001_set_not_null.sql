-- The reporting code will rely on every event having a time: declare `at` NOT NULL.
-- SET NOT NULL must prove that no row holds a NULL: it scans the whole table (five million
-- rows) under the ACCESS EXCLUSIVE lock that ALTER TABLE takes for it, and every read and
-- every write of order_events waits until the scan ends.
ALTER TABLE order_events ALTER COLUMN at SET NOT NULL;
