-- Step 2: check the existing rows (2.5 million). VALIDATE CONSTRAINT takes only a SHARE UPDATE
-- EXCLUSIVE lock on orders and a ROW SHARE lock on customers: reads and writes of both tables
-- go on while it scans (the new rows are already checked by the constraint itself).
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;
