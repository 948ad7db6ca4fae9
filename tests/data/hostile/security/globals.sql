--
-- PostgreSQL database cluster dump
--

\restrict SAK2mn5MMl8H0WeMCcNba825DTbOWht8hevtf6aSCwDdAUtNH9UahI9dJj4zVzd

SET default_transaction_read_only = off;

SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

--
-- Roles
--

CREATE ROLE app_admin;
ALTER ROLE app_admin WITH NOSUPERUSER INHERIT CREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS;
CREATE ROLE app_ro;
ALTER ROLE app_ro WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS;
CREATE ROLE app_rw;
ALTER ROLE app_rw WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS;
CREATE ROLE postgres;
ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;

--
-- User Configurations
--


--
-- Role memberships
--

GRANT app_ro TO app_admin GRANTED BY postgres;






\unrestrict SAK2mn5MMl8H0WeMCcNba825DTbOWht8hevtf6aSCwDdAUtNH9UahI9dJj4zVzd

--
-- PostgreSQL database cluster dump complete
--

