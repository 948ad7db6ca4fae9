-- Breaking: the application writes posts with short titles ("Hi 12", one post in four); this
-- CHECK (valid over the baseline's posts) makes those INSERTs fail on the shadow. The only
-- root is that INSERT: its transaction's other statements (the first comment, the tag in a
-- nested transaction = SAVEPOINT, the PostTag row, COMMIT), the later comments on those
-- posts (23503: the parent is missing), the ids the Comments and Tags sequences hand out
-- afterwards (they fell behind on the shadow) and the reads that see any of it follow from it.
ALTER TABLE "Posts" ADD CONSTRAINT "Posts_title_length" CHECK (char_length(title) >= 8);
