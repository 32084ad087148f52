-- CreateIndex
CREATE INDEX "rbac_logs_request_id_idx" ON "patient_graph"."rbac_logs"("request_id");
