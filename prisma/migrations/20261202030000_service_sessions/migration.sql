-- Service sessions after a request is accepted: the join deadline, the mechanic's wrap-up, the
-- customer's rating, read receipts and the chat messages; on the board side the sort and filter
-- keys (urgency, session type), the unattended time and which newer request replaced one.

-- AlterTable
ALTER TABLE "service_sessions" ADD COLUMN     "join_by" TIMESTAMPTZ(3),
ADD COLUMN     "diagnosis" TEXT,
ADD COLUMN     "next_steps" TEXT,
ADD COLUMN     "estimate_cents" INTEGER,
ADD COLUMN     "rating" INTEGER,
ADD COLUMN     "rating_comment" TEXT,
ADD COLUMN     "rated_at" TIMESTAMPTZ(3),
ADD COLUMN     "customer_read_through" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "mechanic_read_through" BIGINT NOT NULL DEFAULT 0;

ALTER TABLE "service_sessions" ADD CONSTRAINT "service_sessions_rating_range" CHECK (rating >= 1 AND rating <= 5);
ALTER TABLE "service_sessions" ADD CONSTRAINT "service_sessions_estimate_not_negative" CHECK (estimate_cents >= 0);

-- AlterTable
ALTER TABLE "session_requests" ADD COLUMN     "urgency" "Urgency" NOT NULL DEFAULT 'normal',
ADD COLUMN     "session_type" "ServiceSessionType" NOT NULL DEFAULT 'chat',
ADD COLUMN     "unattended_at" TIMESTAMPTZ(3),
ADD COLUMN     "replaced_by_request_id" UUID;

-- Existing requests take their intake's urgency and session type.
UPDATE "session_requests" r
   SET "urgency" = i."urgency", "session_type" = i."session_type"
  FROM "service_sessions" s JOIN "customer_intakes" i ON i."id" = s."intake_id"
 WHERE s."id" = r."session_id";

-- CreateTable
CREATE TABLE "service_messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "position" BIGSERIAL NOT NULL,
    "session_id" UUID NOT NULL,
    "author_id" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "client_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "service_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "service_messages_position_key" ON "service_messages"("position");

-- CreateIndex
CREATE INDEX "service_messages_session_id_position_idx" ON "service_messages"("session_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "service_messages_session_id_author_id_client_key_key" ON "service_messages"("session_id", "author_id", "client_key");

-- CreateIndex
CREATE INDEX "service_sessions_status_join_by_idx" ON "service_sessions"("status", "join_by");

-- CreateIndex
CREATE INDEX "session_requests_status_urgency_created_at_id_idx" ON "session_requests"("status", "urgency" DESC, "created_at", "id");

-- CreateIndex
CREATE INDEX "session_requests_replaced_by_request_id_idx" ON "session_requests"("replaced_by_request_id");

-- One open request per customer: pending, or back on the board as unattended.
DROP INDEX "session_requests_one_pending_per_customer";
CREATE UNIQUE INDEX "session_requests_one_open_per_customer" ON "session_requests"("customer_id") WHERE (status IN ('pending', 'unattended'));

-- AddForeignKey
ALTER TABLE "session_requests" ADD CONSTRAINT "session_requests_replaced_by_request_id_fkey" FOREIGN KEY ("replaced_by_request_id") REFERENCES "session_requests"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "service_messages" ADD CONSTRAINT "service_messages_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "service_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "service_messages" ADD CONSTRAINT "service_messages_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
