-- The order service logs an event for one of the client's users.
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set kind random(1, 4)
INSERT INTO order_events (user_id, kind) VALUES (:uid, :kind)
