-- Breaking: sysbench reads and writes sbtest1.c (point selects, ranges, non-index updates,
-- inserts); renamed, every statement of sbtest1 that names it fails.
ALTER TABLE sbtest1 RENAME COLUMN c TO c_text;
