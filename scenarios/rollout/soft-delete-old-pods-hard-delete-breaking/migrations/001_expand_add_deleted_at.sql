-- Soft delete: a closed account keeps its row, marked by deleted_at. Nothing stops the old
-- application, still running on the pods not yet replaced, from deleting rows as it always
-- did (done right, this step also turns a DELETE into the mark, with a BEFORE DELETE trigger,
-- or the old application learns soft delete in a release of its own first).
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
