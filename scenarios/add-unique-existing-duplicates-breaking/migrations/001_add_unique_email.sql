-- The naive constraint: one step, over the data as it is.
-- Fails with 23505 unique_violation on the existing duplicate accounts (ids 101-105).
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
