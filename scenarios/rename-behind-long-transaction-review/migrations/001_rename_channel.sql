-- The next release calls the order's channel `source_channel`; today's application never reads
-- or writes `channel`, so the rename changes no result. RENAME COLUMN only changes the catalog,
-- but it takes an ACCESS EXCLUSIVE lock on order_events, with no lock_timeout: if a transaction
-- holds any lock on the table (a long report), the rename waits for it as long as it lasts, and
-- every statement on order_events that comes after the rename waits behind it in the queue.
ALTER TABLE order_events RENAME COLUMN channel TO source_channel;
