\set aid random(1, 200)
\set delta random(1, 100)
UPDATE accounts SET abalance = abalance + :delta WHERE aid = :aid RETURNING abalance;
