REVOKE SELECT ON orders FROM app_ro;
