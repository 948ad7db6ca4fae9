-- Contract: orders.legacy_ref was written by an import job retired long ago. Today's code
-- neither names it nor reads orders with SELECT *, so dropping it changes nothing the
-- application sees. DROP COLUMN only marks the column dropped in the catalog (no rewrite).
ALTER TABLE orders DROP COLUMN legacy_ref;
