-- Step 1: the same foreign key, NOT VALID. It is enforced for every new or changed row from now
-- on, but the existing rows are not checked: the SHARE ROW EXCLUSIVE lock on orders and
-- customers lasts a moment.
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
