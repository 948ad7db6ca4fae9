-- Backfill, in batches of ids (each its own short transaction in production, so no batch
-- holds row locks for long). Rows written since the expand already have full_name from the
-- trigger; the last batch is open-ended and takes whatever was inserted meanwhile.
UPDATE users SET full_name = name WHERE id BETWEEN 1 AND 100 AND full_name IS NULL;
UPDATE users SET full_name = name WHERE id BETWEEN 101 AND 200 AND full_name IS NULL;
UPDATE users SET full_name = name WHERE id > 200 AND full_name IS NULL;
