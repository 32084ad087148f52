-- CreateTable
CREATE TABLE "patient_graph"."audit_digests" (
    "seq" INTEGER NOT NULL,
    "after_id" BIGINT NOT NULL,
    "last_id" BIGINT NOT NULL,
    "row_count" INTEGER NOT NULL,
    "entries" BYTEA NOT NULL,
    "signature" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_digests_pkey" PRIMARY KEY ("seq")
);

-- Append-only, like the trail it signs: one refusal function names whichever table was touched.
CREATE OR REPLACE FUNCTION "patient_graph"."rbac_logs_refuse_change"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "audit_digests_append_only"
  BEFORE UPDATE OR DELETE ON "patient_graph"."audit_digests"
  FOR EACH ROW EXECUTE FUNCTION "patient_graph"."rbac_logs_refuse_change"();

CREATE TRIGGER "audit_digests_no_truncate"
  BEFORE TRUNCATE ON "patient_graph"."audit_digests"
  FOR EACH STATEMENT EXECUTE FUNCTION "patient_graph"."rbac_logs_refuse_change"();
