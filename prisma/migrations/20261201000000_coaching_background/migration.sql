-- Coaching's background jobs: action items remember the coach reply they were extracted from
-- (so re-running an extraction adds nothing twice), and a weekly summary remembers how many
-- messages its dailies covered (so an unchanged week is not sent to the model again).
-- AlterTable
ALTER TABLE "weekly_summaries" ADD COLUMN "message_count" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "action_items" ADD COLUMN "source_message_id" UUID;

-- CreateIndex
CREATE UNIQUE INDEX "action_items_source_message_id_title_key" ON "action_items"("source_message_id", "title");

-- AddForeignKey
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_source_message_id_fkey" FOREIGN KEY ("source_message_id") REFERENCES "messages"("id") ON DELETE SET NULL ON UPDATE CASCADE;
