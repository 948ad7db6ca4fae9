-- Contract: once no old application runs, the old column goes, and with it the trigger.
-- full_name is complete (the backfill check says so), so it can be NOT NULL.
DROP TRIGGER users_dual_write ON users;
DROP FUNCTION users_dual_write();
ALTER TABLE users DROP COLUMN name;
ALTER TABLE users ALTER COLUMN full_name SET NOT NULL;
