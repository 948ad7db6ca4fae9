-- The constraint now builds, but today's application (version 1) still creates a second
-- account when an invitation is accepted twice: that INSERT fails with 23505 from now on.
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
