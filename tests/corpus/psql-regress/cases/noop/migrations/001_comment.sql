-- The no-op: a comment on a baseline table that no statement of the traffic reads (road is
-- never described by the traffic's \d commands nor listed with its description).
COMMENT ON TABLE road IS 'pgshadow corpus: a migration that changes nothing the traffic sees';
