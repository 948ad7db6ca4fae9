-- add-foreign-key-validation-review/workload/checkout.sql
-- Checkout: an order for one of the client's customers (a block of 10 per client).
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set amount random(100, 50000)
INSERT INTO orders (customer_id, amount_cents) VALUES (:uid, :amount)
