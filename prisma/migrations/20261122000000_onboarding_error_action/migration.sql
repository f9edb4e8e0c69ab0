-- What the customer can do about an onboarding error, shown beside the message.
ALTER TABLE "onboarding_sessions" ADD COLUMN "error_action" TEXT;
