-- The way back from the contract, for rolling the old application back: `name` again, filled
-- from full_name (which holds every row, also those the new application wrote), and the
-- dual-write trigger again, so that both versions can run side by side once more.
ALTER TABLE users ADD COLUMN name text;
UPDATE users SET name = full_name;
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
ALTER TABLE users ALTER COLUMN full_name DROP NOT NULL;

CREATE FUNCTION users_dual_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.full_name := coalesce(NEW.full_name, NEW.name);
        NEW.name := coalesce(NEW.name, NEW.full_name);
    ELSIF NEW.name IS DISTINCT FROM OLD.name AND NEW.full_name IS NOT DISTINCT FROM OLD.full_name THEN
        NEW.full_name := NEW.name;
    ELSIF NEW.full_name IS DISTINCT FROM OLD.full_name AND NEW.name IS NOT DISTINCT FROM OLD.name THEN
        NEW.name := NEW.full_name;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER users_dual_write BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION users_dual_write();
