-- Health check of the connection pool.
SELECT now() AS server_time
