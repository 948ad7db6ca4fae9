-- "Set employer": the user picks a company from the catalogue (any of the twelve).
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set cid random(1, 12)
UPDATE users SET company = (SELECT name FROM companies WHERE id = :cid) WHERE id = :uid
