-- Hard delete -> soft delete, for the application as it is: the table keeps every row and
-- marks closed accounts with deleted_at; a view with the old name shows the open accounts
-- only, and its INSTEAD OF DELETE trigger turns the application's DELETE into the mark.
-- The UNIQUE constraint on email is left as it was, so it now counts closed accounts too.
ALTER TABLE users RENAME TO user_accounts;
ALTER TABLE user_accounts ADD COLUMN deleted_at timestamptz;

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
