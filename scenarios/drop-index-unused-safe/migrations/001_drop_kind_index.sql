-- order_events_kind_idx served a report that no longer exists: no statement of today's
-- traffic filters by kind alone, so no plan uses it. Dropping it saves its maintenance on
-- every event written and changes nothing the application sees. In production:
-- DROP INDEX CONCURRENTLY (outside a transaction) to avoid the ACCESS EXCLUSIVE lock.
DROP INDEX order_events_kind_idx;
