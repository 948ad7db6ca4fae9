-- The naive constraint: one step, validated against the data as it is.
-- Fails with 23503 foreign_key_violation on the orders of closed accounts.
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customers (id);
