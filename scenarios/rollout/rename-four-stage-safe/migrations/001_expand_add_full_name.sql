-- Expand: the new column, nullable, and a trigger that keeps both columns equal whichever one
-- a version writes: the old application writes `name`, the new one `full_name`. Adding a
-- nullable column without a default is catalog-only (no rewrite).
ALTER TABLE users ADD COLUMN full_name text;

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
