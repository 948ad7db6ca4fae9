-- Step 3: check the existing rows. VALIDATE CONSTRAINT takes only a SHARE UPDATE EXCLUSIVE
-- lock: reads and writes go on while it scans.
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;
