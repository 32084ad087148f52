-- CreateEnum
CREATE TYPE "patient_graph"."WearableSyncStatus" AS ENUM ('IDLE', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- AlterTable
ALTER TABLE "patient_graph"."wearable_data" ADD COLUMN     "sync_finished_at" TIMESTAMPTZ(3),
ADD COLUMN     "sync_job_id" TEXT,
ADD COLUMN     "sync_readings_added" INTEGER,
ADD COLUMN     "sync_requested_at" TIMESTAMPTZ(3),
ADD COLUMN     "sync_started_at" TIMESTAMPTZ(3),
ADD COLUMN     "sync_status" "patient_graph"."WearableSyncStatus" NOT NULL DEFAULT 'IDLE';

-- CreateTable
CREATE TABLE "patient_graph"."wearable_oauth_states" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "state_hash" TEXT NOT NULL,
    "profile_id" UUID NOT NULL,
    "provider" "patient_graph"."WearableProvider" NOT NULL,
    "redirect_uri" TEXT NOT NULL,
    "code_verifier" TEXT,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "wearable_oauth_states_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."wearable_raw_payloads" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "connection_id" UUID NOT NULL,
    "profile_id" UUID NOT NULL,
    "provider" "patient_graph"."WearableProvider" NOT NULL,
    "resource" TEXT NOT NULL,
    "request" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wearable_raw_payloads_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "wearable_oauth_states_state_hash_key" ON "patient_graph"."wearable_oauth_states"("state_hash");

-- CreateIndex
CREATE INDEX "wearable_oauth_states_expires_at_idx" ON "patient_graph"."wearable_oauth_states"("expires_at");

-- CreateIndex
CREATE INDEX "wearable_raw_payloads_connection_id_fetched_at_idx" ON "patient_graph"."wearable_raw_payloads"("connection_id", "fetched_at");
