-- Clean the data first: the dormant duplicate accounts (ids 101-105, same e-mail as an
-- older account) are removed, keeping the oldest account of each address.
DELETE FROM users AS dup
USING users AS keep
WHERE dup.email = keep.email
  AND dup.id > keep.id;
