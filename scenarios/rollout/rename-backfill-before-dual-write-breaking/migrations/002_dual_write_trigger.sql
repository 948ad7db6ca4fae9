-- The dual write, one phase too late: from here on the trigger keeps both columns equal, but
-- the rows written since the backfill are not copied again.
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
