// switchboard <command>
import { runStart } from "./main.ts";

const [command = "start"] = process.argv.slice(2);
if (command === "start") {
  await runStart();
} else {
  console.error(`usage: switchboard start\n\nUnknown command "${command}".`);
  process.exit(2);
}
