-- Dashboard widget: nondeterministic on purpose (the time the page was rendered, and a
-- teaser of a few orders taken without ORDER BY).
\set uid 1 + (:cbase + :client_id) * 10 + random(0, 9)
\set teaser 2
SELECT now() AS rendered_at, count(*) AS order_count FROM orders WHERE user_id = :uid \gset dash_
SELECT id FROM orders WHERE user_id = :uid LIMIT :teaser
