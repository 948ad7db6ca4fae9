-- Every order must belong to an existing customer: the foreign key, added in one statement.
-- ADD FOREIGN KEY checks every existing row of orders (2.5 million) before it commits, and holds
-- a SHARE ROW EXCLUSIVE lock on both tables meanwhile, orders and customers: reads go on, but
-- every INSERT, UPDATE and DELETE of either table waits until the check ends. Every order's
-- customer exists, so the constraint holds and the migration succeeds.
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customers (id);
