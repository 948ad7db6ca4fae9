-- Sidebar widget: "people you may know" (LIMIT without ORDER BY: any three).
\set lo 1 + (:cbase + :client_id) * 10
\set hi :lo + 9
SELECT name, company FROM users WHERE id BETWEEN :lo AND :hi LIMIT 3
