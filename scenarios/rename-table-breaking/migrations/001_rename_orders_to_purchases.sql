-- The naive rename: one step, no compatibility layer.
-- Every statement of the running (old) application that names orders fails with
-- 42P01 undefined_table as soon as this commits.
ALTER TABLE orders RENAME TO purchases;
