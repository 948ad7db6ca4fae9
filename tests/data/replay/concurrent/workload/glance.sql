SELECT aid, abalance FROM accounts WHERE abalance > 0 LIMIT 3;
SELECT now() AS at, count(*) FROM tellers;
