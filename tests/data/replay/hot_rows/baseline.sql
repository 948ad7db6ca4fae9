-- The tables of `pgbench -i -s 4` (TPC-B, scale 4: 4 branches, 40 tellers, 400,000 accounts),
-- made here with generate_series rather than stored: the traffic only needs their shape and
-- their starting balances (all zero).
CREATE TABLE pgbench_accounts (aid integer NOT NULL, bid integer, abalance integer, filler character(84)) WITH (fillfactor = 100);
CREATE TABLE pgbench_branches (bid integer NOT NULL, bbalance integer, filler character(88)) WITH (fillfactor = 100);
CREATE TABLE pgbench_history (tid integer, bid integer, aid integer, delta integer, mtime timestamp without time zone, filler character(22));
CREATE TABLE pgbench_tellers (tid integer NOT NULL, bid integer, tbalance integer, filler character(84)) WITH (fillfactor = 100);
INSERT INTO pgbench_branches (bid, bbalance) SELECT b, 0 FROM generate_series(1, 4) b;
INSERT INTO pgbench_tellers (tid, bid, tbalance) SELECT t, (t - 1) / 10 + 1, 0 FROM generate_series(1, 40) t;
INSERT INTO pgbench_accounts (aid, bid, abalance, filler) SELECT a, (a - 1) / 100000 + 1, 0, '' FROM generate_series(1, 400000) a;
ALTER TABLE pgbench_accounts ADD CONSTRAINT pgbench_accounts_pkey PRIMARY KEY (aid);
ALTER TABLE pgbench_branches ADD CONSTRAINT pgbench_branches_pkey PRIMARY KEY (bid);
ALTER TABLE pgbench_tellers ADD CONSTRAINT pgbench_tellers_pkey PRIMARY KEY (tid);
