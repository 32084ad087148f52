-- AlterTable
ALTER TABLE "patient_graph"."conversation_messages" ADD COLUMN     "author_id" TEXT,
ADD COLUMN     "author_role" TEXT;
