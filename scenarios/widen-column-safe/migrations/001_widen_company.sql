-- Widen users.company from VARCHAR(255) to VARCHAR(500): every value that fit still fits,
-- the type (varchar) stays the same, and raising a varchar limit needs no table rewrite.
ALTER TABLE users ALTER COLUMN company TYPE varchar(500);
