-- The audit append as one function (shared/audit/append.ts calls it in one statement).
-- A decision already written for the same gateway request and service is not written again.
-- As a plain `INSERT … WHERE NOT EXISTS` that check raced on a server: two fetches of one
-- request to one service (a query's deferred parts, or two workers of a cluster) each ran
-- before the other committed, and both wrote their rows. Here the appends of one
-- (request, service) take a transaction-scoped advisory lock first, and the INSERT, a later
-- command of this VOLATILE function, sees in READ COMMITTED whatever the previous holder committed.
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

  INSERT INTO "patient_graph"."rbac_logs"
    (actor_id, actor_role, operation_name, request_id, correlation_id, client_ip, service, resource, action, patient_id, decision, reason)
  SELECT q.actor_id, q.actor_role, q.operation_name, q.request_id, q.correlation_id, q.client_ip, q.service,
         d.resource, d.action, d.patient_id::uuid, d.decision::"patient_graph"."AccessDecision", d.reason
    FROM unnest(actor_ids, actor_roles, operation_names, request_ids, correlation_ids, client_ips, services)
           AS q(actor_id, actor_role, operation_name, request_id, correlation_id, client_ip, service)
   CROSS JOIN unnest(resources, actions, patient_ids, decisions, reasons) AS d(resource, action, patient_id, decision, reason)
   WHERE NOT EXISTS (
     SELECT 1 FROM "patient_graph"."rbac_logs" AS r
      WHERE r.request_id = q.request_id AND r.service = q.service AND r.actor_id IS NOT DISTINCT FROM q.actor_id
        AND r.resource = d.resource AND r.action = d.action AND r.patient_id IS NOT DISTINCT FROM d.patient_id::uuid
        AND r.decision = d.decision::"patient_graph"."AccessDecision");
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END;
$$ LANGUAGE plpgsql VOLATILE;
