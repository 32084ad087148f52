-- CreateTable
CREATE TABLE "patient_graph"."write_receipts" (
    "token" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "result" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "write_receipts_pkey" PRIMARY KEY ("token","service","seq")
);

-- CreateIndex
CREATE INDEX "write_receipts_expires_at_idx" ON "patient_graph"."write_receipts"("expires_at");
