-- Order history: the customer's orders with the customer's name.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT c.name, o.amount_cents FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.id = :uid ORDER BY o.amount_cents
