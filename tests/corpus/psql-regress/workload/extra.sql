-- tests/corpus/psql-regress/workload/extra.sql
--
-- Not from the PostgreSQL regression suite: written here, for the statement forms issue 12
-- names that the suite's chosen files do not send. Run last, as its own psql session.
-- Everything here is harmless on the recording host; a replay must not run the forms that
-- reach outside the database (COPY ... PROGRAM, COPY to a server file, pg_read_file).

-- COPY ... TO PROGRAM and FROM PROGRAM: a program on the database host
COPY (SELECT unique1, stringu1 FROM onek WHERE unique1 < 10 ORDER BY unique1) TO PROGRAM 'cat > /dev/null';
COPY (SELECT 1) TO PROGRAM 'true';
CREATE TEMP TABLE extra_programs (line text);
COPY extra_programs FROM PROGRAM 'echo from-a-program';
SELECT line FROM extra_programs;

-- a server file read by a function
SELECT length(pg_read_file('postgresql.conf')) > 0 AS conf_readable;

-- special date/time literals, also materialized by CREATE TABLE AS and read later
CREATE TABLE extra_moments AS
  SELECT 'now'::timestamptz AS at, 'today'::date AS day, 'tomorrow'::timestamp AS next_day,
         'yesterday'::date AS previous_day, now() AS clock;
SELECT count(*) FROM extra_moments WHERE day < next_day;
SELECT at, day FROM extra_moments;

-- values of the replay's own setup
SELECT pg_backend_pid() > 0 AS has_pid, inet_server_port() IS NOT NULL AS tcp;
SELECT txid_current() > 0 AS has_txid;
SELECT pg_current_wal_lsn() IS NOT NULL AS has_lsn;
SELECT 'extra_moments'::regclass::oid > 0 AS has_oid, 'extra_moments'::regclass::oid;
SELECT current_database(), current_user, session_user;

-- psql's \d family on baseline tables (the catalog queries psql -E prints)
\d onek
\d+ tenk1
\dt
\di onek*
\dT
\df int4*
\dn
\du
\l

-- information_schema
SELECT table_name, column_name, data_type FROM information_schema.columns
 WHERE table_schema = 'public' AND table_name IN ('onek', 'emp') ORDER BY table_name, ordinal_position;
SELECT table_catalog, table_name FROM information_schema.tables WHERE table_name = 'onek';

-- LIMIT without ORDER BY, over a table whose physical order is the same on both sides
SELECT * FROM onek LIMIT 3;
SELECT unique1 FROM tenk1 WHERE unique1 = 42 LIMIT 1;

-- sequences
CREATE SEQUENCE extra_seq;
SELECT nextval('extra_seq'), nextval('extra_seq');
SELECT currval('extra_seq');
DROP SEQUENCE extra_seq;
DROP TABLE extra_moments;
