-- Admin list: this session's block of ten users, closed accounts included (support can reopen them).
\set lo 1 + (:cbase + :client_id) * 10
\set hi :lo + 9
SELECT id, name, deleted_at IS NOT NULL AS closed FROM users WHERE id BETWEEN :lo AND :hi ORDER BY id
