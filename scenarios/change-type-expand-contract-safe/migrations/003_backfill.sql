-- Migrate: backfill the rows written before the trigger existed (in production in batches
-- of a few thousand ids, each its own transaction, to keep row locks short). Touching
-- ship_postcode fires the trigger, which computes ship_zip5.
UPDATE orders SET ship_postcode = ship_postcode WHERE ship_zip5 IS NULL;
