-- A small bank in pgbench's TPC-B shape, sized so that concurrent sessions keep meeting on the
-- same rows: 2 branches, 10 tellers, 200 accounts.
CREATE TABLE branches (bid int PRIMARY KEY, bbalance int NOT NULL);
CREATE TABLE tellers (tid int PRIMARY KEY, bid int NOT NULL REFERENCES branches, tbalance int NOT NULL);
CREATE TABLE accounts (aid int PRIMARY KEY, bid int NOT NULL REFERENCES branches, abalance int NOT NULL);
CREATE TABLE history (id bigint GENERATED ALWAYS AS IDENTITY, tid int, bid int, aid int, delta int);
INSERT INTO branches SELECT b, 0 FROM generate_series(1, 2) b;
INSERT INTO tellers SELECT t, 1 + t % 2, 0 FROM generate_series(1, 10) t;
INSERT INTO accounts SELECT a, 1 + a % 2, 0 FROM generate_series(1, 200) a;
