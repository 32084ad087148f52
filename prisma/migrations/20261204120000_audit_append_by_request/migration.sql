-- The audit append's duplicate check reads only the rows of the requests being appended.
-- Its `NOT EXISTS` over the whole trail was planned as a hash anti-join over a sequential
-- scan of rbac_logs: every append read every audit row ever written (a dashboard benchmark
-- read 21 million rows in a minute, and the cost grew with the trail). The rows already
-- written for these requests are now read first, by request id, and the check runs against
-- them alone. Each session's PL/pgSQL keeps the plan it made (a sequential scan looked
-- cheapest while the trail was small) until something invalidates it, such as the table being
-- analyzed, which PGlite never does on its own. So the function turns sequential scans off: its
-- one read of the trail goes through rbac_logs_request_id_idx whatever the statistics say.
-- Locks, snapshot and results are those of the version before.
CREATE OR REPLACE FUNCTION "patient_graph"."rbac_logs_append"(
  actor_ids TEXT[], actor_roles TEXT[], operation_names TEXT[], request_ids TEXT[], correlation_ids TEXT[], client_ips TEXT[], services TEXT[],
  resources TEXT[], actions TEXT[], patient_ids TEXT[], decisions TEXT[], reasons TEXT[]
) RETURNS INTEGER AS $$
DECLARE
  lock_key INTEGER;
  written INTEGER;
BEGIN
  -- Sorted, so two appends naming the same requests cannot each hold what the other waits for.
  FOR lock_key IN
    SELECT DISTINCT hashtext(q.request_id || '|' || q.service)
      FROM unnest(request_ids, services) AS q(request_id, service)
     WHERE q.request_id IS NOT NULL
     ORDER BY 1
  LOOP
    -- 0x52424143 ('RBAC'): this lock's class, apart from any other user of two-key advisory locks.
    PERFORM pg_advisory_xact_lock(1380074051, lock_key);
  END LOOP;

  WITH written_before AS MATERIALIZED (
    SELECT r.request_id, r.service, r.actor_id, r.resource, r.action, r.patient_id, r.decision
      FROM "patient_graph"."rbac_logs" AS r
     WHERE r.request_id = ANY(request_ids)
  )
  INSERT INTO "patient_graph"."rbac_logs"
    (actor_id, actor_role, operation_name, request_id, correlation_id, client_ip, service, resource, action, patient_id, decision, reason)
  SELECT q.actor_id, q.actor_role, q.operation_name, q.request_id, q.correlation_id, q.client_ip, q.service,
         d.resource, d.action, d.patient_id::uuid, d.decision::"patient_graph"."AccessDecision", d.reason
    FROM unnest(actor_ids, actor_roles, operation_names, request_ids, correlation_ids, client_ips, services)
           AS q(actor_id, actor_role, operation_name, request_id, correlation_id, client_ip, service)
   CROSS JOIN unnest(resources, actions, patient_ids, decisions, reasons) AS d(resource, action, patient_id, decision, reason)
   WHERE NOT EXISTS (
     SELECT 1 FROM written_before AS r
      WHERE r.request_id = q.request_id AND r.service = q.service AND r.actor_id IS NOT DISTINCT FROM q.actor_id
        AND r.resource = d.resource AND r.action = d.action AND r.patient_id IS NOT DISTINCT FROM d.patient_id::uuid
        AND r.decision = d.decision::"patient_graph"."AccessDecision");
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END;
$$ LANGUAGE plpgsql VOLATILE SET enable_seqscan = off;
