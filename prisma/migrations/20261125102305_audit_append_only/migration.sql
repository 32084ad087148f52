-- The audit trail is append-only: no role, no code path, no migration tool may rewrite history.
CREATE OR REPLACE FUNCTION "patient_graph"."rbac_logs_refuse_change"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'patient_graph.rbac_logs is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "rbac_logs_append_only"
  BEFORE UPDATE OR DELETE ON "patient_graph"."rbac_logs"
  FOR EACH ROW EXECUTE FUNCTION "patient_graph"."rbac_logs_refuse_change"();

CREATE TRIGGER "rbac_logs_no_truncate"
  BEFORE TRUNCATE ON "patient_graph"."rbac_logs"
  FOR EACH STATEMENT EXECUTE FUNCTION "patient_graph"."rbac_logs_refuse_change"();
