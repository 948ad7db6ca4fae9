-- Support adds a note to one of the client's own events (a block of 1000 ids per client).
\set eid 1 + (:cbase + :client_id) * 1000 + random(0, 999)
\set note random(1, 100000)
UPDATE order_events SET note = :note WHERE id = :eid
