-- The new application version keeps phone numbers in a separate contacts service, so the
-- column is dropped in the same release. The old application still reads and writes it:
-- its statements that name users.phone fail with 42703 undefined_column, and its ORM's
-- SELECT * returns one column fewer.
ALTER TABLE users DROP COLUMN phone;
