-- A data migration that changes what the reads return: every baseline user's e-mail address
-- lower-cased. `select * from "users" where "id" = $1 limit $2` (.first()) returns other
-- values: rows_changed, not excused by its LIMIT (one row per id: the limit cut nothing;
-- issue 12 cause 5).
UPDATE users SET email = lower(email);
