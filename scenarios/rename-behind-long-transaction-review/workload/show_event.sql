-- The tracking page reads one event by its id.
\set eid 1 + (:cbase + :client_id) * 1000 + random(0, 999)
SELECT user_id, kind, at, note FROM order_events WHERE id = :eid
