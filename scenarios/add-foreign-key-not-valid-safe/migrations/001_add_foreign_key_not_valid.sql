-- Step 1: the constraint, NOT VALID. It is enforced for every new or changed row from now
-- on, but the existing rows are not checked, so it takes its lock only for a moment.
-- Applied after application version 2 (which never writes an order for a closed account)
-- is everywhere: version 2 is the traffic this scenario replays.
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
