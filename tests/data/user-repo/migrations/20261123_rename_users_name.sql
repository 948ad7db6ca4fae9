-- The naive rename: one step, no compatibility layer.
-- Every statement of the running (old) application that names users.name fails with
-- 42703 undefined_column as soon as this commits.
ALTER TABLE users RENAME COLUMN name TO full_name;
