-- The way back from the contract, done wrong: `name` comes back, but empty. Every name is still
-- in full_name, yet the rollback does not copy them back, nor restore the dual-write trigger:
-- the old application, rolled back, reads NULL names, and what it writes never reaches
-- full_name. The contract's DROP COLUMN cannot be undone by adding the column again.
ALTER TABLE users ADD COLUMN name text;
ALTER TABLE users ALTER COLUMN full_name DROP NOT NULL;
