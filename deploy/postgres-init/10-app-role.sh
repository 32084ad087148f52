#!/bin/sh
# Run once by the postgres image on a new data volume (docker-entrypoint-initdb.d): the
# application's role. POSTGRES_USER (loop) owns the schema and runs migrations
# (DATABASE_OWNER_URL); the services connect as loop_app (DATABASE_URL), which the first
# migration run grants what it needs — on the audit tables only INSERT and SELECT.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE loop_app LOGIN PASSWORD '${LOOP_APP_PASSWORD:-loop_app}';
SQL
