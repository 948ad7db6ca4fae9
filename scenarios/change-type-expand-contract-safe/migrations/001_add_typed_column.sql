-- Expand, step 1: the typed column next to the old one, nullable, no default (catalog only).
ALTER TABLE orders ADD COLUMN ship_zip5 integer;
