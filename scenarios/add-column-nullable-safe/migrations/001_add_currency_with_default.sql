-- Expand: the new column is nullable with a constant default. Since PostgreSQL 11 a
-- constant default is stored in the catalog (no table rewrite, only a brief ACCESS
-- EXCLUSIVE lock). Old INSERTs, which do not name the column, get the default; the new
-- application writes it explicitly. A NOT NULL constraint, if wanted, comes in a later
-- release, once no old code is left (see add-not-null-check-safe for how).
ALTER TABLE orders ADD COLUMN currency char(3) DEFAULT 'USD';
