-- Throttling state in PostgreSQL, so sign-in and public limits hold across server instances.
-- The columns are rate-limiter-flexible's PostgreSQL store (key, points, expire in epoch ms).
-- CreateTable
CREATE TABLE "rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "rate_limits_expire_idx" ON "rate_limits"("expire");
