-- The unique index serves the e-mail lookups: the old plain index is redundant.
DROP INDEX CONCURRENTLY users_email_idx;
