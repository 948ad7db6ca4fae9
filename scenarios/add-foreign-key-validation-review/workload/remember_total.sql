-- add-foreign-key-validation-review/workload/remember_total.sql
-- The customer's last order total, kept on the customer (one of the client's own customers).
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set amount random(100, 50000)
UPDATE customers SET last_order_cents = :amount WHERE id = :uid
