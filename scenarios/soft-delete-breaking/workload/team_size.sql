-- Team page: how many of this team's original accounts are still open.
\set lo 1 + (:cbase + :client_id) * 10
\set hi :lo + 9
SELECT count(*) AS open_accounts FROM users WHERE id BETWEEN :lo AND :hi
