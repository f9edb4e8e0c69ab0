-- The per-session rate limit is counted on the session row (a one-minute window), so accepting a
-- visitor's message is one UPDATE that checks and counts it, instead of a locked read, a count
-- and a write in an interactive transaction.
-- AlterTable
ALTER TABLE "agent_sessions" ADD COLUMN "rate_window_started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN "rate_window_count" INTEGER NOT NULL DEFAULT 0;
