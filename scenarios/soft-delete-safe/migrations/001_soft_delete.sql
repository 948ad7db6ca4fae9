-- Hard delete -> soft delete, compatible with the application as it is: the table keeps
-- every row and marks closed accounts with deleted_at; a view with the old name shows the
-- open accounts only, and its INSTEAD OF DELETE trigger turns the application's DELETE into
-- the mark. The e-mail address must be unique among the open accounts only: the full
-- UNIQUE constraint becomes a partial unique index, so a closed account's address is free
-- for a new sign-up, as it was with hard deletes.
ALTER TABLE users RENAME TO user_accounts;
ALTER TABLE user_accounts ADD COLUMN deleted_at timestamptz;

CREATE UNIQUE INDEX user_accounts_email_open_key ON user_accounts (email)
WHERE deleted_at IS NULL;
ALTER TABLE user_accounts DROP CONSTRAINT users_email_key;

CREATE VIEW users AS
SELECT id, email, name, created_at
FROM user_accounts
WHERE deleted_at IS NULL;

CREATE FUNCTION users_soft_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE user_accounts SET deleted_at = now() WHERE id = OLD.id;
    RETURN OLD;
END
$$;

CREATE TRIGGER users_soft_delete
INSTEAD OF DELETE ON users
FOR EACH ROW EXECUTE FUNCTION users_soft_delete();
