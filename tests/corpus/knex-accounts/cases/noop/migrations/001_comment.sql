-- The no-op: a comment, nothing the application reads changes.
COMMENT ON TABLE users IS 'pgshadow corpus: a migration that changes nothing the traffic sees';
