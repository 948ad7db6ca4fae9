-- rename-with-lock-timeout-retry-safe/workload/user_events.sql
-- The activity page lists one of the client's users' events (a block of 10 users per client).
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT id, kind, at FROM order_events WHERE user_id = :uid ORDER BY id
