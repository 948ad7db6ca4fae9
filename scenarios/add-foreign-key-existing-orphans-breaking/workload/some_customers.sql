-- Sidebar widget: "a few customers" of this account manager (LIMIT without ORDER BY).
\set lo 1 + (:cbase + :client_id) * 10
\set hi :lo + 9
SELECT id, name FROM customers WHERE id BETWEEN :lo AND :hi LIMIT 3
