#!/bin/sh
# The two roles of docs/row-security.md, made idempotently (run it again, it changes nothing more):
#   binome_owner owns the database and its tables, and runs the migrations (DATABASE_OWNER_URL);
#   binome_app is what the web, the workers and beat connect as (DATABASE_URL): it owns nothing, so that
#   PostgreSQL's row-level security applies to it, and the migrations grant it the rows of every table.
# As a superuser, with psql's usual variables (PGHOST, PGUSER...). The postgres image runs it from
# /docker-entrypoint-initdb.d on a new volume; .ci/run runs it too. BINOME_DB (default POSTGRES_DB, else
# binome) is created when missing and given to the owner; the passwords are optional (trust auth in CI).
set -eu
psql -v ON_ERROR_STOP=1 -q \
  -v db="${BINOME_DB:-${POSTGRES_DB:-binome}}" \
  -v owner_password="${BINOME_OWNER_PASSWORD:-}" \
  -v app_password="${BINOME_APP_PASSWORD:-}" \
  --dbname=postgres <<'SQL'
SELECT 'CREATE ROLE binome_owner LOGIN CREATEDB'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'binome_owner') \gexec
SELECT 'CREATE ROLE binome_app LOGIN'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'binome_app') \gexec
-- Neither may step around row security: no superuser, no BYPASSRLS (the owner's own bypass, for the
-- migrations' data steps, is the binome.bypass setting that every other bypass uses too).
ALTER ROLE binome_owner NOSUPERUSER NOBYPASSRLS CREATEDB;
ALTER ROLE binome_app NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
SELECT format('ALTER ROLE binome_owner PASSWORD %L', :'owner_password') WHERE :'owner_password' <> '' \gexec
SELECT format('ALTER ROLE binome_app PASSWORD %L', :'app_password') WHERE :'app_password' <> '' \gexec
SELECT format('CREATE DATABASE %I OWNER binome_owner', :'db')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SELECT format('ALTER DATABASE %I OWNER TO binome_owner', :'db') \gexec
\connect :"db"
-- PostgreSQL 15's public schema belongs to the database's owner, and only it may create there.
ALTER SCHEMA public OWNER TO binome_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO binome_app;
SQL
