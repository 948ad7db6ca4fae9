-- Expand: a new nullable column, no default, no constraint. The new application will fill it
-- and read it; today's application does not know it exists. Its ORM reads users with
-- SELECT *, so that result gains a column.
ALTER TABLE users ADD COLUMN email_normalized text;
