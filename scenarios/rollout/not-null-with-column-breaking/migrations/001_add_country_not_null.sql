-- The column and its constraint in one step: existing rows are filled in, and from here on
-- every INSERT must name a country. The old application, still running on the pods not yet
-- replaced, does not know the column: its sign-ups fail (23502).
ALTER TABLE users ADD COLUMN country text;
UPDATE users SET country = 'unknown';
ALTER TABLE users ALTER COLUMN country SET NOT NULL;
