-- Order history: amounts and discounts of the customer's orders.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT amount_cents, discount_cents FROM orders WHERE customer_id = :uid ORDER BY amount_cents, discount_cents
