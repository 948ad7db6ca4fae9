-- Breaking: a column the traffic reads (tenk1.hundred: in selects, joins, aggregates and an
-- index of 8 of the regression files) renamed while the statements still name it.
ALTER TABLE tenk1 RENAME COLUMN hundred TO hundreds;
