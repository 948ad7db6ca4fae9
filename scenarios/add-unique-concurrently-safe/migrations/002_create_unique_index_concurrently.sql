-- Built without blocking writes: CREATE INDEX CONCURRENTLY cannot run inside a transaction
-- block, so this file has no BEGIN (pgshadow, like psql, runs it in autocommit).
-- Applied only after application version 2 (idempotent accept with ON CONFLICT DO NOTHING)
-- is everywhere: version 2 is the traffic this scenario replays.
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
