-- AlterTable
ALTER TABLE "agent_versions" ADD COLUMN     "llm_api_key_ciphertext" TEXT,
ADD COLUMN     "llm_api_key_fingerprint" TEXT;
