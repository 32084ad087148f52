-- CreateEnum
CREATE TYPE "patient_graph"."CareAlertKind" AS ENUM ('EMERGENCY_MESSAGE', 'CRITICAL_LAB_VALUE', 'PROTOCOL_FINDING', 'WEARABLE_ANOMALY');

-- CreateEnum
CREATE TYPE "patient_graph"."CareAlertSeverity" AS ENUM ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW');

-- CreateEnum
CREATE TYPE "patient_graph"."CareAlertStatus" AS ENUM ('OPEN', 'ACKNOWLEDGED', 'RESOLVED');

-- CreateEnum
CREATE TYPE "patient_graph"."CareAlertDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'DEAD');

-- AlterTable
ALTER TABLE "patient_graph"."protocol_items" ADD COLUMN     "overridden_at" TIMESTAMPTZ(3),
ADD COLUMN     "overridden_by" TEXT,
ADD COLUMN     "override_findings" JSONB,
ADD COLUMN     "override_reason" TEXT;

-- CreateTable
CREATE TABLE "patient_graph"."care_alerts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "raise_key" TEXT NOT NULL,
    "profile_id" UUID NOT NULL,
    "kind" "patient_graph"."CareAlertKind" NOT NULL,
    "severity" "patient_graph"."CareAlertSeverity" NOT NULL,
    "title" TEXT NOT NULL,
    "detail" JSONB,
    "source_service" TEXT NOT NULL,
    "source_type" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "patient_graph"."CareAlertStatus" NOT NULL DEFAULT 'OPEN',
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" TEXT,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,
    "resolution_note" TEXT,
    "escalation_level" INTEGER NOT NULL DEFAULT 0,
    "escalated_at" TIMESTAMPTZ(3),
    "next_escalation_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "care_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."care_alert_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "alert_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "escalation_level" INTEGER NOT NULL DEFAULT 0,
    "status" "patient_graph"."CareAlertDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_attempt_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "care_alert_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payload"."peptide_dosing" (
    "peptide_id" UUID NOT NULL,
    "dose_unit" TEXT NOT NULL,
    "min_dose" DOUBLE PRECISION NOT NULL,
    "max_dose" DOUBLE PRECISION NOT NULL,
    "max_daily_dose" DOUBLE PRECISION NOT NULL,
    "routes" TEXT[],
    "frequencies" TEXT[],
    "source" TEXT NOT NULL,
    "updated_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "peptide_dosing_pkey" PRIMARY KEY ("peptide_id")
);

-- CreateTable
CREATE TABLE "payload"."peptide_contraindications" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "peptide_id" UUID NOT NULL,
    "conditions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "medications" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sexes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "age_under" INTEGER,
    "age_over" INTEGER,
    "pregnancy" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "peptide_contraindications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "care_alerts_raise_key_key" ON "patient_graph"."care_alerts"("raise_key");

-- CreateIndex
CREATE INDEX "care_alerts_status_severity_created_at_idx" ON "patient_graph"."care_alerts"("status", "severity", "created_at" DESC);

-- CreateIndex
CREATE INDEX "care_alerts_profile_id_created_at_idx" ON "patient_graph"."care_alerts"("profile_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "care_alert_deliveries_status_created_at_idx" ON "patient_graph"."care_alert_deliveries"("status", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "care_alert_deliveries_alert_id_channel_event_escalation_lev_key" ON "patient_graph"."care_alert_deliveries"("alert_id", "channel", "event", "escalation_level");

-- CreateIndex
CREATE INDEX "peptide_contraindications_peptide_id_idx" ON "payload"."peptide_contraindications"("peptide_id");

-- AddForeignKey
ALTER TABLE "patient_graph"."care_alert_deliveries" ADD CONSTRAINT "care_alert_deliveries_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "patient_graph"."care_alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payload"."peptide_dosing" ADD CONSTRAINT "peptide_dosing_peptide_id_fkey" FOREIGN KEY ("peptide_id") REFERENCES "payload"."peptides"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payload"."peptide_contraindications" ADD CONSTRAINT "peptide_contraindications_peptide_id_fkey" FOREIGN KEY ("peptide_id") REFERENCES "payload"."peptides"("id") ON DELETE CASCADE ON UPDATE CASCADE;
