-- The expand step: a nullable column, no default, no constraint. knex maps result columns by
-- name, so `select *` gaining a column is harmless to it: review (columns_added), never
-- breaking (issue 18).
ALTER TABLE users ADD COLUMN email_normalized TEXT;
