-- The no-op: a comment, nothing sysbench reads changes.
COMMENT ON TABLE sbtest1 IS 'pgshadow corpus: a migration that changes nothing the traffic sees';
