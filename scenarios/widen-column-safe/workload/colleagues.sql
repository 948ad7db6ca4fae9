-- Team page: this client's ten users by employer.
\set lo 1 + (:cbase + :client_id) * 10
\set hi :lo + 9
SELECT company, count(*) AS members FROM users WHERE id BETWEEN :lo AND :hi GROUP BY company ORDER BY company
