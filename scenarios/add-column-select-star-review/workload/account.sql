-- Account summary.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT email, created_at FROM users WHERE id = :uid \gset account_
SELECT count(*) AS order_count, sum(amount_cents) AS total_cents FROM orders WHERE user_id = :uid
