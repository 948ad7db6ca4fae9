-- The no-op: a comment on the public schema; the suite reads nothing it changes.
COMMENT ON SCHEMA public IS 'pgshadow corpus: a migration that changes nothing the traffic sees';
