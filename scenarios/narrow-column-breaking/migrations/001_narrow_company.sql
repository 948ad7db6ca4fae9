-- Narrow users.company from VARCHAR(255) to VARCHAR(20). Every stored value fits, so the
-- migration itself succeeds; every later write of a longer name fails with 22001
-- string_data_right_truncation.
ALTER TABLE users ALTER COLUMN company TYPE varchar(20);
