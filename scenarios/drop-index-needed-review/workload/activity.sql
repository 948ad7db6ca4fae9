-- Activity page: the user's order events by kind (uses order_events_user_id_idx).
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
SELECT kind, count(*) AS events, max(at) AS last_at FROM order_events WHERE user_id = :uid GROUP BY kind ORDER BY kind
