-- "Unused index" clean-up gone wrong: order_events_user_id_idx looked redundant next to the
-- foreign key, so it is dropped. Nothing fails, every result is the same, but the activity
-- page now reads all 200 000 events with a sequential scan instead of one user's 2 000
-- through the index: a latency regression on that query shape.
DROP INDEX order_events_user_id_idx;
