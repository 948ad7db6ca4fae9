-- rename-with-lock-timeout-retry-safe/workload/daily_report.sql
-- The reporting job: one transaction that reads the event log, then works for three seconds
-- before it commits (pg_sleep stands for its long query: it runs on the server, as a long
-- query would). Its read holds an ACCESS SHARE lock on order_events until the COMMIT. It
-- starts 1 s into the traffic.
-- (\set step lines end the SQL command before them: pgbench needs a meta-command there.)
\sleep 1000 ms
BEGIN
\set step 1
SELECT kind, count(*) AS events FROM order_events WHERE user_id BETWEEN 1 AND 100 GROUP BY kind ORDER BY kind
\set step 2
SELECT pg_sleep(3)
\set step 3
COMMIT
