-- Sidebar widget: "a few members of your team" (LIMIT without ORDER BY: any three).
\set lo 1 + (:cbase + :client_id) * 10
\set hi :lo + 9
SELECT email FROM users WHERE id BETWEEN :lo AND :hi LIMIT 3
