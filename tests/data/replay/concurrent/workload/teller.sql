\set tid random(1, 10)
\set delta random(-5000, 5000)
UPDATE tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
