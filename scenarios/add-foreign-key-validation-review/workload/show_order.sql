-- add-foreign-key-validation-review/workload/show_order.sql
-- The order page reads one order by its id (a block of 1000 existing orders per client).
\set oid 1 + (:cbase + :client_id) * 1000 + random(0, 999)
SELECT customer_id, amount_cents FROM orders WHERE id = :oid
