-- amount_cents grows from integer to bigint before it overflows. Every value converts
-- exactly, and every statement of the old application still runs, but the result columns
-- change type: amount_cents is int8 instead of int4, and sum(amount_cents) is numeric
-- instead of bigint. A driver that maps int4 to a 32-bit integer, or that checks the
-- declared type, sees something new: review, not breaking. (This also rewrites the whole
-- table under an ACCESS EXCLUSIVE lock: a maintenance window for a big table.)
ALTER TABLE orders ALTER COLUMN amount_cents TYPE bigint;
