// The one poll every gate waits with: it asks again until nothing is wrong, says what it still waits
// for while a wait lasts, and fails naming it when time is up.
import pWaitFor from "p-wait-for";
import { progress } from "../provider/progress";

/** How often a gate asks: a client call takes milliseconds. */
export const GATE_INTERVAL_MS = 250;
/** How often a lasting wait says what it waits for. */
const WAIT_SAID_MS = 10_000;

/**
 * Polls `check` (which lists what is still wrong) until it lists nothing. After `timeoutMs` it fails
 * with `what` and the last problems; a failed call counts as a problem (a node may be starting).
 */
export async function waitUntil(what: string, timeoutMs: number, check: () => Promise<string[]>): Promise<void> {
  let problems: string[] = [];
  const started = Date.now();
  let said = started;
  await pWaitFor(
    async () => {
      problems = await check().catch((err: Error) => [err.message.split("\n")[0]]);
      // A wait that lasts is said, every WAIT_SAID_MS: what it waits for, and for how long already.
      if (problems.length > 0 && Date.now() - said >= WAIT_SAID_MS) {
        said = Date.now();
        progress(`${what}: still waiting after ${Math.round((said - started) / 1000)} s for ${problems.join("; ")}`);
      }
      return problems.length === 0;
    },
    {
      interval: GATE_INTERVAL_MS,
      timeout: {
        milliseconds: timeoutMs,
        fallback: () => {
          throw new Error(`${what}: still waiting after ${Math.round(timeoutMs / 1000)} s for ${problems.join("; ")}`);
        },
      },
    },
  );
}
