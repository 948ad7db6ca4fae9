-- Close account: the row stays, marked closed (support can reopen it for 30 days).
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
UPDATE users SET deleted_at = '2026-12-01 12:00:00+00' WHERE id = :uid AND deleted_at IS NULL
