-- Safe: the articles' way to add an index under traffic (no write lock); same ties as
-- create-index.
CREATE INDEX CONCURRENTLY "Posts_category_score" ON "Posts" (category, score);
