COMMENT ON TABLE orders IS 'orders of the shop';
