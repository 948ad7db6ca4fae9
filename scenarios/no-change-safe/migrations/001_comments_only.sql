-- A migration of comments only: documentation for the schema, no change to any table,
-- column, constraint or row. The replay must be identical on both sides; only the
-- nondeterministic reads (now(), LIMIT without ORDER BY) may differ.
COMMENT ON TABLE orders IS 'One row per checkout; amount in cents.';
COMMENT ON COLUMN orders.ship_postcode IS 'Shipping postcode as entered (ZIP or ZIP+4).';
COMMENT ON COLUMN users.phone IS 'Optional contact number.';
