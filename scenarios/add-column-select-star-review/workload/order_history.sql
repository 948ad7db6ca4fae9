-- Order history: join of users and orders.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT u.name, o.amount_cents FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id = :uid ORDER BY o.id
