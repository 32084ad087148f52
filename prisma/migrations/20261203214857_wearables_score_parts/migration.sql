-- CreateTable
CREATE TABLE "patient_graph"."lab_wearables_score_parts" (
    "profile_id" UUID NOT NULL,
    "score" INTEGER,
    "components" JSONB NOT NULL DEFAULT '[]',
    "window_start" DATE NOT NULL,
    "last_day" DATE,
    "computed_at" TIMESTAMPTZ(6) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lab_wearables_score_parts_pkey" PRIMARY KEY ("profile_id")
);
