// The OpenAI wire fake in a process of its own, for benchmarks: its streaming then does not share
// the event loop of the code being measured. Prints one JSON line { "baseURL": ... } when ready;
// stops on SIGTERM. Run: node --conditions=source --import tsx bench/openai-fake-process.ts
import { startOpenAIFake } from "@switchboard/testing";

const tokenDelayMs = Number(process.env.OPENAI_FAKE_TOKEN_DELAY_MS ?? 20);
const fake = await startOpenAIFake({ tokenDelayMs });
if (process.env.OPENAI_FAKE_REPLY) fake.reply(process.env.OPENAI_FAKE_REPLY);
process.stdout.write(`${JSON.stringify({ baseURL: fake.baseURL })}\n`);
process.on("SIGTERM", () => void fake.close().then(() => process.exit(0)));
