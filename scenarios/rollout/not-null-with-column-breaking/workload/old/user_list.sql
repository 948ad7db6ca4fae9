-- Admin list: this session's block of ten users, sorted by id.
\set lo 1 + (:cbase + :client_id) * 10
\set hi :lo + 9
SELECT id, name FROM users WHERE id BETWEEN :lo AND :hi ORDER BY id
