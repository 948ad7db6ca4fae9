-- Expand, step 2: dual write. The new application version writes both columns itself; the
-- old version writes only ship_postcode, so a trigger derives ship_zip5 from it on every
-- INSERT and UPDATE, whichever version wrote the row (a ZIP+4 code keeps its first five
-- digits; anything else that is not a ZIP code leaves ship_zip5 NULL instead of failing
-- the old application's write).
CREATE FUNCTION orders_sync_ship_zip5() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.ship_zip5 := CASE WHEN NEW.ship_postcode ~ '^[0-9]{5}(-[0-9]{4})?$'
                          THEN left(NEW.ship_postcode, 5)::integer END;
    RETURN NEW;
END
$$;

CREATE TRIGGER orders_sync_ship_zip5
    BEFORE INSERT OR UPDATE OF ship_postcode ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_sync_ship_zip5();
