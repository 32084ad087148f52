-- CreateTable
CREATE TABLE "patient_graph"."event_outbox" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "events" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patient_graph"."idempotency_keys" (
    "principal" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "http_status" INTEGER,
    "response" JSONB,
    "locked_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("principal","key")
);

-- CreateIndex
CREATE INDEX "event_outbox_available_at_seq_idx" ON "patient_graph"."event_outbox"("available_at", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "event_outbox_seq_key" ON "patient_graph"."event_outbox"("seq");

-- CreateIndex
CREATE INDEX "idempotency_keys_expires_at_idx" ON "patient_graph"."idempotency_keys"("expires_at");
