-- Breaking: nickname is read through `select *` only (nothing names it); dropped, every
-- select * returns other columns (columns_changed).
ALTER TABLE users DROP COLUMN nickname;
