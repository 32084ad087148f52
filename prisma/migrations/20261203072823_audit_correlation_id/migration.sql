-- AlterTable
ALTER TABLE "patient_graph"."rbac_logs" ADD COLUMN     "correlation_id" TEXT;

-- CreateIndex
CREATE INDEX "rbac_logs_correlation_id_idx" ON "patient_graph"."rbac_logs"("correlation_id");
