-- CreateEnum
CREATE TYPE "patient_graph"."FhirExportStatus" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED');

-- CreateTable
CREATE TABLE "patient_graph"."fhir_exports" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "requested_by" TEXT NOT NULL,
    "requested_role" TEXT NOT NULL,
    "request" TEXT NOT NULL,
    "types" TEXT[],
    "since" TIMESTAMPTZ(3),
    "status" "patient_graph"."FhirExportStatus" NOT NULL DEFAULT 'QUEUED',
    "resources_exported" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "fhir_exports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."fhir_export_files" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "export_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "ndjson" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fhir_export_files_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "fhir_exports_profile_id_status_idx" ON "patient_graph"."fhir_exports"("profile_id", "status");

-- CreateIndex
CREATE INDEX "fhir_exports_expires_at_idx" ON "patient_graph"."fhir_exports"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "fhir_export_files_export_id_position_key" ON "patient_graph"."fhir_export_files"("export_id", "position");

-- AddForeignKey
ALTER TABLE "patient_graph"."fhir_export_files" ADD CONSTRAINT "fhir_export_files_export_id_fkey" FOREIGN KEY ("export_id") REFERENCES "patient_graph"."fhir_exports"("id") ON DELETE CASCADE ON UPDATE CASCADE;
