-- Clean the data first: the orders of closed accounts (customer ids that no longer exist)
-- are removed.
DELETE FROM orders AS o
WHERE NOT EXISTS (SELECT FROM customers AS c WHERE c.id = o.customer_id);
