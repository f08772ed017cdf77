-- Runs once, when the docker-compose postgres volume is first initialised (docker-entrypoint-initdb.d).
-- The image makes POSTGRES_USER (pressroom) the bootstrap superuser; state the one right the suite relies on
-- explicitly, so `python -m svckit.dbadmin migrate` keeps working if POSTGRES_USER is ever pointed elsewhere:
-- it creates one database per service (pressroom_identity, pressroom_crm, ...) and per test run.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pressroom') THEN
    CREATE ROLE pressroom LOGIN CREATEDB PASSWORD 'pressroom';
  ELSE
    ALTER ROLE pressroom LOGIN CREATEDB;
  END IF;
END
$$;
