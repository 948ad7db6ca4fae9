-- Team admin page: this client's pending invitations.
\set lo 1 + (:cbase + :client_id) * 5
\set hi :lo + 4
SELECT id, email FROM invitations WHERE id BETWEEN :lo AND :hi AND accepted_at IS NULL ORDER BY id
