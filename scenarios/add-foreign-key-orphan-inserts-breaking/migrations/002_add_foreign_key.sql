-- The constraint now validates, but today's application (version 1) still writes orders
-- from stale sessions of closed accounts: those INSERTs fail with 23503 from now on.
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customers (id);
