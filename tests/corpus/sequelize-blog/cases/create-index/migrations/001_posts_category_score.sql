-- Safe: a plain index on the columns the eager-loading reads filter and sort on. The planner
-- then returns posts that tie on score in index order: a different order among equal sort
-- keys, which SQL leaves unspecified (issue 19).
CREATE INDEX "Posts_category_score" ON "Posts" (category, score);
