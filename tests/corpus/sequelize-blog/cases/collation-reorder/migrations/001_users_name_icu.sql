-- A real reordering: users.name sorted by an ICU collation instead of the database's C
-- collation. `ORDER BY name` now puts "alice" before "Bob": the order the application shows
-- changes (order_changed), the values do not.
ALTER TABLE "Users" ALTER COLUMN name TYPE varchar(255) COLLATE "en-x-icu";
