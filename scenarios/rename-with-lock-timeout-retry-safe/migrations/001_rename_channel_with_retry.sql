-- The same rename as in rename-behind-long-transaction-review (the next release calls the
-- order's channel `source_channel`; today's application never uses `channel`), run so that it
-- never queues for long: with a short lock_timeout, the ALTER gives up its place in the lock
-- queue after 100 ms if the table is busy (a long report holds a lock on it), and the statements
-- that queued behind it go on; it tries again 400 ms later, until it gets its lock the moment
-- the table is free. Each try is a subtransaction (the BEGIN ... EXCEPTION block): a try that
-- times out is rolled back and leaves no lock behind. After 50 tries (about 25 s) it gives up
-- and fails, for the deploy to be retried later.
SET lock_timeout = '100ms';
DO $$
DECLARE
    attempt integer := 0;
BEGIN
    LOOP
        attempt := attempt + 1;
        BEGIN
            ALTER TABLE order_events RENAME COLUMN channel TO source_channel;
            RETURN;
        EXCEPTION WHEN lock_not_available THEN
            IF attempt >= 50 THEN
                RAISE;
            END IF;
            RAISE NOTICE 'order_events is busy (try %): the rename gave up its place in the lock queue, retrying', attempt;
            PERFORM pg_sleep(0.4);
        END;
    END LOOP;
END
$$;
RESET lock_timeout;
