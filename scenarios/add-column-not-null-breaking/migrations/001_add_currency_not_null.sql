-- The new application version records each order's currency and always supplies it.
-- ADD COLUMN ... NOT NULL without a default cannot even run on a table with rows (the
-- existing orders would be NULL: 23502), so the usual shortcut is a temporary default that
-- fills the existing rows, dropped at once so that "the application must always say":
-- the column ends up NOT NULL without default. Every INSERT of the old application, which
-- does not know the column, now fails with 23502 not_null_violation.
ALTER TABLE orders ADD COLUMN currency char(3) NOT NULL DEFAULT 'USD';
ALTER TABLE orders ALTER COLUMN currency DROP DEFAULT;
