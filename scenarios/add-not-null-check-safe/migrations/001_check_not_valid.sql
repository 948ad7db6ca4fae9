-- Step 1: the constraint, NOT VALID: checked for every new or updated row from now on, but
-- existing rows are not scanned, so it takes only a brief lock. Old INSERTs do not name
-- channel and get its default 'web', so they pass.
ALTER TABLE orders ADD CONSTRAINT orders_channel_not_null CHECK (channel IS NOT NULL) NOT VALID;
