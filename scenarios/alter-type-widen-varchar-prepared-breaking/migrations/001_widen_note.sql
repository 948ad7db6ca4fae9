-- Support wants longer notes: widen order_events.note from varchar(40) to varchar(200).
-- A longer limit on varchar (like varchar to text) is binary compatible: no row is rewritten
-- or even read, only the catalog changes, so the ACCESS EXCLUSIVE lock lasts a moment.
ALTER TABLE order_events ALTER COLUMN note TYPE varchar(200);
