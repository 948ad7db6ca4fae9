-- Step 2: backfill the legacy NULLs (in production in batches, each its own transaction).
-- Orders from before the column existed came through the web shop.
UPDATE orders SET channel = 'web' WHERE channel IS NULL;
