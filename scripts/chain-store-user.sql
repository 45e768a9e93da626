-- A store's own PostgreSQL user for a chain (README, "Chain mode"): it may read and write the
-- chain's rows but not change the schema, drop tables or switch off the ledgers' triggers.
-- Run as a PostgreSQL superuser, once per store, after the chain's owner user has started a
-- server once (which creates the tables):
--   psql -v db=hanger -v owner=hanger -v store_user=store_br02 -v password='…' \
--        -f scripts/chain-store-user.sql postgres
\set ON_ERROR_STOP on
\connect :db
-- Once per chain: the group every store user belongs to.
select 'create role hanger_store nologin' where not exists (select from pg_roles where rolname = 'hanger_store') \gexec
grant connect on database :"db" to hanger_store;
grant usage on schema public to hanger_store;
grant select, insert, update, delete on all tables in schema public to hanger_store;
grant usage, select on all sequences in schema public to hanger_store;
-- Tables a later migration creates (run by the owner) are open to the stores too.
alter default privileges for role :"owner" in schema public grant select, insert, update, delete on tables to hanger_store;
alter default privileges for role :"owner" in schema public grant usage, select on sequences to hanger_store;
-- The store's user.
create role :"store_user" login password :'password' in role hanger_store;
