-- Step 2: check the existing rows under a SHARE UPDATE EXCLUSIVE lock (reads and writes go
-- on). Rows written by version 1 before the deploy would make this fail: they are fixed
-- first (there are none in this database).
ALTER TABLE orders VALIDATE CONSTRAINT orders_discount_not_above_amount;
