-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "health";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "patient_graph";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "payload";

-- CreateEnum
CREATE TYPE "patient_graph"."Sex" AS ENUM ('FEMALE', 'MALE');

-- CreateEnum
CREATE TYPE "patient_graph"."MembershipStatus" AS ENUM ('TRIALING', 'ACTIVE', 'PAST_DUE', 'CANCELED');

-- CreateEnum
CREATE TYPE "patient_graph"."PatientEventType" AS ENUM ('PROFILE_UPDATED', 'LAB_RESULT_ADDED', 'PROTOCOL_STARTED', 'PROTOCOL_UPDATED', 'WEARABLE_CONNECTED', 'WEARABLE_DISCONNECTED', 'MEMBERSHIP_CHANGED', 'CHECK_IN', 'LUNA_CONVERSATION', 'NOTE');

-- CreateEnum
CREATE TYPE "patient_graph"."TreatmentStatus" AS ENUM ('PLANNED', 'ACTIVE', 'COMPLETED', 'STOPPED');

-- CreateEnum
CREATE TYPE "patient_graph"."PrescriptionStatus" AS ENUM ('ACTIVE', 'EXPIRED', 'CANCELED');

-- CreateEnum
CREATE TYPE "patient_graph"."AccessDecision" AS ENUM ('ALLOW', 'DENY');

-- CreateEnum
CREATE TYPE "patient_graph"."LabResultSource" AS ENUM ('UPLOAD', 'SEED', 'INTEGRATION');

-- CreateEnum
CREATE TYPE "patient_graph"."BiomarkerStatus" AS ENUM ('CRITICAL_LOW', 'LOW', 'OPTIMAL', 'NORMAL', 'HIGH', 'CRITICAL_HIGH', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "patient_graph"."ProtocolStatus" AS ENUM ('DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED');

-- CreateEnum
CREATE TYPE "patient_graph"."ConversationStatus" AS ENUM ('ACTIVE', 'ARCHIVED');

-- CreateEnum
CREATE TYPE "patient_graph"."ChatRole" AS ENUM ('USER', 'ASSISTANT');

-- CreateEnum
CREATE TYPE "patient_graph"."ChatMessageStatus" AS ENUM ('COMPLETE', 'PENDING', 'FAILED');

-- CreateEnum
CREATE TYPE "patient_graph"."WearableProvider" AS ENUM ('OURA', 'WHOOP', 'DEXCOM', 'GARMIN');

-- CreateEnum
CREATE TYPE "patient_graph"."WearableConnectionStatus" AS ENUM ('CONNECTED', 'ERROR', 'DISCONNECTED');

-- CreateEnum
CREATE TYPE "patient_graph"."WearableMetric" AS ENUM ('SLEEP_SCORE', 'SLEEP_DURATION', 'HRV_RMSSD', 'RESTING_HR', 'RECOVERY_SCORE', 'READINESS_SCORE', 'STRAIN', 'GLUCOSE', 'STEPS', 'SPO2');

-- CreateEnum
CREATE TYPE "health"."GlucoseTrend" AS ENUM ('DOUBLE_UP', 'SINGLE_UP', 'FORTY_FIVE_UP', 'FLAT', 'FORTY_FIVE_DOWN', 'SINGLE_DOWN', 'DOUBLE_DOWN', 'NOT_COMPUTABLE');

-- CreateEnum
CREATE TYPE "payload"."ContentStatus" AS ENUM ('DRAFT', 'PUBLISHED');

-- CreateTable
CREATE TABLE "patient_graph"."customer_profiles" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT,
    "date_of_birth" DATE NOT NULL,
    "sex" "patient_graph"."Sex" NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "conditions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "medications" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "allergies" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "height_cm" DOUBLE PRECISION,
    "weight_kg" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_profiles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."identity_mappings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "provider" TEXT NOT NULL DEFAULT 'clerk',
    "external_user_id" TEXT NOT NULL,
    "profile_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "identity_mappings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."subscriptions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "plan" TEXT NOT NULL,
    "status" "patient_graph"."MembershipStatus" NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "current_period_end" TIMESTAMPTZ(3) NOT NULL,
    "canceled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."patient_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "type" "patient_graph"."PatientEventType" NOT NULL,
    "title" TEXT NOT NULL,
    "detail" JSONB,
    "source" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "patient_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."patient_treatments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "patient_graph"."TreatmentStatus" NOT NULL,
    "provider_name" TEXT,
    "notes" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "patient_treatments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."patient_prescriptions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "medication" TEXT NOT NULL,
    "dosage" TEXT NOT NULL,
    "frequency" TEXT NOT NULL,
    "prescriber" TEXT NOT NULL,
    "status" "patient_graph"."PrescriptionStatus" NOT NULL,
    "refills_remaining" INTEGER NOT NULL DEFAULT 0,
    "prescribed_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "patient_prescriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."rbac_logs" (
    "id" BIGSERIAL NOT NULL,
    "actor_id" TEXT,
    "actor_role" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "patient_id" UUID,
    "decision" "patient_graph"."AccessDecision" NOT NULL,
    "reason" TEXT,
    "operation_name" TEXT,
    "request_id" TEXT,
    "client_ip" TEXT,
    "service" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rbac_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."lab_results" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "source" "patient_graph"."LabResultSource" NOT NULL,
    "lab_name" TEXT,
    "file_name" TEXT,
    "content_hash" TEXT,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "reported_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lab_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."lab_biomarker_readings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "lab_result_id" UUID NOT NULL,
    "code" TEXT,
    "raw_name" TEXT NOT NULL,
    "raw_value" TEXT NOT NULL,
    "raw_unit" TEXT,
    "value" DOUBLE PRECISION,
    "unit" TEXT,
    "status" "patient_graph"."BiomarkerStatus" NOT NULL DEFAULT 'UNKNOWN',
    "printed_range" TEXT,
    "reference_low" DOUBLE PRECISION,
    "reference_high" DOUBLE PRECISION,
    "lab_flag" TEXT,
    "source_line" TEXT,
    "conversion_note" TEXT,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "lab_biomarker_readings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."protocols" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "goal" TEXT,
    "status" "patient_graph"."ProtocolStatus" NOT NULL DEFAULT 'DRAFT',
    "start_date" DATE,
    "end_date" DATE,
    "notes" TEXT,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "protocols_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."protocol_items" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "protocol_id" UUID NOT NULL,
    "peptide_id" UUID NOT NULL,
    "dose_amount" DOUBLE PRECISION NOT NULL,
    "dose_unit" TEXT NOT NULL,
    "frequency" TEXT NOT NULL,
    "route" TEXT NOT NULL DEFAULT 'subcutaneous',
    "timing" TEXT,
    "duration_weeks" INTEGER,
    "notes" TEXT,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "protocol_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."conversation_history" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "status" "patient_graph"."ConversationStatus" NOT NULL DEFAULT 'ACTIVE',
    "last_message_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversation_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."conversation_messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "conversation_id" UUID NOT NULL,
    "role" "patient_graph"."ChatRole" NOT NULL,
    "content" TEXT NOT NULL,
    "status" "patient_graph"."ChatMessageStatus" NOT NULL DEFAULT 'COMPLETE',
    "tool_calls" JSONB,
    "guardrails" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversation_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."clinical_interactions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "conversation_id" UUID,
    "profile_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "detail" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "clinical_interactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."wearable_data" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "provider" "patient_graph"."WearableProvider" NOT NULL,
    "status" "patient_graph"."WearableConnectionStatus" NOT NULL,
    "external_user_id" TEXT,
    "access_token_enc" TEXT,
    "refresh_token_enc" TEXT,
    "token_key_id" TEXT,
    "token_expires_at" TIMESTAMPTZ(3),
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sync_cursor" TEXT,
    "last_synced_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "connected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wearable_data_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."patient_wearable_readings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "provider" "patient_graph"."WearableProvider" NOT NULL,
    "metric" "patient_graph"."WearableMetric" NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "unit" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "provider_reading_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "patient_wearable_readings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."patient_wearable_daily_stats" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "metric" "patient_graph"."WearableMetric" NOT NULL,
    "day" DATE NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "avg" DOUBLE PRECISION NOT NULL,
    "count" INTEGER NOT NULL,
    "unit" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "patient_wearable_daily_stats_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health"."customers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "stripe_customer_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health"."products" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "peptide_id" UUID,
    "price_cents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health"."protocol_stacks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "protocol_stacks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health"."protocol_stack_items" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "stack_id" UUID NOT NULL,
    "peptide_id" UUID NOT NULL,
    "dose" TEXT NOT NULL,
    "frequency" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "protocol_stack_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health"."patient_cgm_connections" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "provider" "patient_graph"."WearableProvider" NOT NULL,
    "device_serial" TEXT,
    "status" "patient_graph"."WearableConnectionStatus" NOT NULL,
    "connected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_reading_at" TIMESTAMPTZ(3),

    CONSTRAINT "patient_cgm_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health"."patient_glucose_readings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "value_mg_dl" DOUBLE PRECISION NOT NULL,
    "trend" "health"."GlucoseTrend" NOT NULL DEFAULT 'NOT_COMPUTABLE',
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "provider_reading_id" TEXT NOT NULL,

    CONSTRAINT "patient_glucose_readings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health"."patient_check_ins" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "week_start" DATE NOT NULL,
    "energy" INTEGER NOT NULL,
    "sleep_quality" INTEGER NOT NULL,
    "mood" INTEGER NOT NULL,
    "stress" INTEGER NOT NULL,
    "adherence" INTEGER NOT NULL,
    "notes" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "patient_check_ins_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health"."follows" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "profile_id" UUID NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "follows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payload"."users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'editor',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payload"."media" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "filename" TEXT NOT NULL,
    "mime_type" TEXT NOT NULL,
    "filesize" INTEGER NOT NULL,
    "alt" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "media_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payload"."peptides" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "mechanism" TEXT,
    "benefits" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "typical_dose" TEXT,
    "half_life" TEXT,
    "image_id" UUID,
    "status" "payload"."ContentStatus" NOT NULL DEFAULT 'DRAFT',
    "published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "peptides_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payload"."stacks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "peptide_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "status" "payload"."ContentStatus" NOT NULL DEFAULT 'DRAFT',
    "published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stacks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payload"."goals" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "peptide_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "status" "payload"."ContentStatus" NOT NULL DEFAULT 'DRAFT',
    "published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "goals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payload"."blog_posts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "excerpt" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "author_id" UUID,
    "status" "payload"."ContentStatus" NOT NULL DEFAULT 'DRAFT',
    "published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blog_posts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payload"."faqs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "question" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "status" "payload"."ContentStatus" NOT NULL DEFAULT 'DRAFT',
    "published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "faqs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payload"."help_articles" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "status" "payload"."ContentStatus" NOT NULL DEFAULT 'DRAFT',
    "published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "help_articles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payload"."coas" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "peptide_id" UUID NOT NULL,
    "batch_number" TEXT NOT NULL,
    "lab_name" TEXT NOT NULL,
    "purity_percent" DOUBLE PRECISION NOT NULL,
    "tested_at" DATE NOT NULL,
    "document_url" TEXT,
    "status" "payload"."ContentStatus" NOT NULL DEFAULT 'DRAFT',
    "published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payload"."research_papers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "title" TEXT NOT NULL,
    "authors" TEXT NOT NULL,
    "journal" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "doi" TEXT,
    "url" TEXT,
    "abstract" TEXT NOT NULL,
    "peptide_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "status" "payload"."ContentStatus" NOT NULL DEFAULT 'DRAFT',
    "published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "research_papers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "customer_profiles_customer_id_key" ON "patient_graph"."customer_profiles"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "customer_profiles_email_key" ON "patient_graph"."customer_profiles"("email");

-- CreateIndex
CREATE INDEX "customer_profiles_last_name_first_name_idx" ON "patient_graph"."customer_profiles"("last_name", "first_name");

-- CreateIndex
CREATE INDEX "customer_profiles_created_at_id_idx" ON "patient_graph"."customer_profiles"("created_at", "id");

-- CreateIndex
CREATE INDEX "identity_mappings_profile_id_idx" ON "patient_graph"."identity_mappings"("profile_id");

-- CreateIndex
CREATE UNIQUE INDEX "identity_mappings_provider_external_user_id_key" ON "patient_graph"."identity_mappings"("provider", "external_user_id");

-- CreateIndex
CREATE INDEX "subscriptions_profile_id_started_at_idx" ON "patient_graph"."subscriptions"("profile_id", "started_at");

-- CreateIndex
CREATE INDEX "patient_events_profile_id_occurred_at_idx" ON "patient_graph"."patient_events"("profile_id", "occurred_at" DESC);

-- CreateIndex
CREATE INDEX "patient_treatments_profile_id_started_at_idx" ON "patient_graph"."patient_treatments"("profile_id", "started_at" DESC);

-- CreateIndex
CREATE INDEX "patient_prescriptions_profile_id_prescribed_at_idx" ON "patient_graph"."patient_prescriptions"("profile_id", "prescribed_at" DESC);

-- CreateIndex
CREATE INDEX "rbac_logs_created_at_idx" ON "patient_graph"."rbac_logs"("created_at");

-- CreateIndex
CREATE INDEX "rbac_logs_patient_id_created_at_idx" ON "patient_graph"."rbac_logs"("patient_id", "created_at");

-- CreateIndex
CREATE INDEX "rbac_logs_actor_id_created_at_idx" ON "patient_graph"."rbac_logs"("actor_id", "created_at");

-- CreateIndex
CREATE INDEX "lab_results_profile_id_collected_at_idx" ON "patient_graph"."lab_results"("profile_id", "collected_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "lab_results_profile_id_content_hash_key" ON "patient_graph"."lab_results"("profile_id", "content_hash");

-- CreateIndex
CREATE INDEX "lab_biomarker_readings_lab_result_id_position_idx" ON "patient_graph"."lab_biomarker_readings"("lab_result_id", "position");

-- CreateIndex
CREATE INDEX "lab_biomarker_readings_code_idx" ON "patient_graph"."lab_biomarker_readings"("code");

-- CreateIndex
CREATE INDEX "protocols_profile_id_created_at_idx" ON "patient_graph"."protocols"("profile_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "protocol_items_protocol_id_position_idx" ON "patient_graph"."protocol_items"("protocol_id", "position");

-- CreateIndex
CREATE INDEX "protocol_items_peptide_id_idx" ON "patient_graph"."protocol_items"("peptide_id");

-- CreateIndex
CREATE INDEX "conversation_history_profile_id_last_message_at_idx" ON "patient_graph"."conversation_history"("profile_id", "last_message_at" DESC);

-- CreateIndex
CREATE INDEX "conversation_messages_conversation_id_created_at_idx" ON "patient_graph"."conversation_messages"("conversation_id", "created_at");

-- CreateIndex
CREATE INDEX "clinical_interactions_profile_id_created_at_idx" ON "patient_graph"."clinical_interactions"("profile_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "wearable_data_profile_id_provider_key" ON "patient_graph"."wearable_data"("profile_id", "provider");

-- CreateIndex
CREATE INDEX "patient_wearable_readings_profile_id_metric_recorded_at_idx" ON "patient_graph"."patient_wearable_readings"("profile_id", "metric", "recorded_at");

-- CreateIndex
CREATE UNIQUE INDEX "patient_wearable_readings_provider_provider_reading_id_key" ON "patient_graph"."patient_wearable_readings"("provider", "provider_reading_id");

-- CreateIndex
CREATE INDEX "patient_wearable_daily_stats_profile_id_day_idx" ON "patient_graph"."patient_wearable_daily_stats"("profile_id", "day");

-- CreateIndex
CREATE UNIQUE INDEX "patient_wearable_daily_stats_profile_id_metric_day_key" ON "patient_graph"."patient_wearable_daily_stats"("profile_id", "metric", "day");

-- CreateIndex
CREATE UNIQUE INDEX "customers_email_key" ON "health"."customers"("email");

-- CreateIndex
CREATE UNIQUE INDEX "customers_stripe_customer_id_key" ON "health"."customers"("stripe_customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "products_sku_key" ON "health"."products"("sku");

-- CreateIndex
CREATE INDEX "products_peptide_id_idx" ON "health"."products"("peptide_id");

-- CreateIndex
CREATE INDEX "protocol_stacks_profile_id_created_at_idx" ON "health"."protocol_stacks"("profile_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "protocol_stack_items_stack_id_position_idx" ON "health"."protocol_stack_items"("stack_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "patient_cgm_connections_profile_id_provider_key" ON "health"."patient_cgm_connections"("profile_id", "provider");

-- CreateIndex
CREATE UNIQUE INDEX "patient_glucose_readings_provider_reading_id_key" ON "health"."patient_glucose_readings"("provider_reading_id");

-- CreateIndex
CREATE INDEX "patient_glucose_readings_profile_id_recorded_at_idx" ON "health"."patient_glucose_readings"("profile_id", "recorded_at");

-- CreateIndex
CREATE UNIQUE INDEX "patient_check_ins_profile_id_week_start_key" ON "health"."patient_check_ins"("profile_id", "week_start");

-- CreateIndex
CREATE UNIQUE INDEX "follows_profile_id_target_type_target_id_key" ON "health"."follows"("profile_id", "target_type", "target_id");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "payload"."users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "peptides_slug_key" ON "payload"."peptides"("slug");

-- CreateIndex
CREATE INDEX "peptides_status_name_idx" ON "payload"."peptides"("status", "name");

-- CreateIndex
CREATE UNIQUE INDEX "stacks_slug_key" ON "payload"."stacks"("slug");

-- CreateIndex
CREATE INDEX "stacks_status_name_idx" ON "payload"."stacks"("status", "name");

-- CreateIndex
CREATE UNIQUE INDEX "goals_slug_key" ON "payload"."goals"("slug");

-- CreateIndex
CREATE INDEX "goals_status_title_idx" ON "payload"."goals"("status", "title");

-- CreateIndex
CREATE UNIQUE INDEX "blog_posts_slug_key" ON "payload"."blog_posts"("slug");

-- CreateIndex
CREATE INDEX "blog_posts_status_published_at_idx" ON "payload"."blog_posts"("status", "published_at" DESC);

-- CreateIndex
CREATE INDEX "faqs_status_category_position_idx" ON "payload"."faqs"("status", "category", "position");

-- CreateIndex
CREATE UNIQUE INDEX "help_articles_slug_key" ON "payload"."help_articles"("slug");

-- CreateIndex
CREATE INDEX "help_articles_status_category_idx" ON "payload"."help_articles"("status", "category");

-- CreateIndex
CREATE UNIQUE INDEX "coas_batch_number_key" ON "payload"."coas"("batch_number");

-- CreateIndex
CREATE INDEX "coas_peptide_id_tested_at_idx" ON "payload"."coas"("peptide_id", "tested_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "research_papers_doi_key" ON "payload"."research_papers"("doi");

-- CreateIndex
CREATE INDEX "research_papers_status_year_idx" ON "payload"."research_papers"("status", "year" DESC);

-- AddForeignKey
ALTER TABLE "patient_graph"."customer_profiles" ADD CONSTRAINT "customer_profiles_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "health"."customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "patient_graph"."lab_biomarker_readings" ADD CONSTRAINT "lab_biomarker_readings_lab_result_id_fkey" FOREIGN KEY ("lab_result_id") REFERENCES "patient_graph"."lab_results"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "patient_graph"."protocol_items" ADD CONSTRAINT "protocol_items_protocol_id_fkey" FOREIGN KEY ("protocol_id") REFERENCES "patient_graph"."protocols"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "patient_graph"."conversation_messages" ADD CONSTRAINT "conversation_messages_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "patient_graph"."conversation_history"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "health"."protocol_stack_items" ADD CONSTRAINT "protocol_stack_items_stack_id_fkey" FOREIGN KEY ("stack_id") REFERENCES "health"."protocol_stacks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payload"."blog_posts" ADD CONSTRAINT "blog_posts_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "payload"."users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
