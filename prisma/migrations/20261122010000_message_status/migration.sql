-- Coaching replies cut short are kept and marked, as agent replies are.
-- CreateEnum
CREATE TYPE "MessageStatus" AS ENUM ('complete', 'incomplete', 'failed');

-- AlterTable
ALTER TABLE "messages" ADD COLUMN "status" "MessageStatus" NOT NULL DEFAULT 'complete';
