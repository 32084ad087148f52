-- AlterTable
ALTER TABLE "patient_graph"."event_outbox" ADD COLUMN     "published_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "event_outbox_created_at_idx" ON "patient_graph"."event_outbox"("created_at");
