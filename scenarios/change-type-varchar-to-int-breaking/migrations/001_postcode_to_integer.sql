-- The new application version stores shipping postcodes as numbers, converted in place.
-- Every existing value is all digits, so the conversion itself succeeds, but:
--  - postcodes with a leading zero lose it ('02139' becomes 2139), and every read of the
--    column returns an integer where the old code expects a string;
--  - the old code still writes strings such as a ZIP+4 code '02139-4307': 22P02
--    invalid_text_representation.
ALTER TABLE orders ALTER COLUMN ship_postcode TYPE integer USING ship_postcode::integer;
