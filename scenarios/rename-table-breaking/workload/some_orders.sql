-- Sidebar widget: "a few of your orders" (LIMIT without ORDER BY: any three).
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT amount_cents FROM orders WHERE user_id = :uid LIMIT 3
