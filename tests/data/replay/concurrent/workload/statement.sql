\set first random(1, 180)
SELECT aid, abalance FROM accounts WHERE aid BETWEEN :first AND :first + 20 ORDER BY aid;
SELECT bid, bbalance FROM branches ORDER BY bid;
SELECT count(*) AS transfers, sum(delta) AS total FROM history;
