// Errors a handler raises reach the user once, as the resource's error: the engine prints the message.
// The SDK's provider host also prints each error with its stack on stderr; kraftlab's host
// (lab/providerHost.ts) drops that copy for the errors marked here. KRAFTLAB_DEBUG=1 keeps the stacks.
import type { Handler } from "./handler";

/** What a quiet error's stack is: the mark the provider host looks for. */
export const QUIET_STACK = "(kraftlab: stack omitted; KRAFTLAB_DEBUG=1 shows it)";

const debug = () => process.env.KRAFTLAB_DEBUG === "1";

function quieted(err: unknown): unknown {
  if (err instanceof Error && !debug()) err.stack = QUIET_STACK;
  return err;
}

/** `handler`, its errors marked quiet. */
export function quiet(handler: Handler): Handler {
  const guard =
    <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    (...args: A) =>
      method(...args).catch((err: unknown) => {
        throw quieted(err);
      });
  return {
    create: guard(handler.create),
    diff: guard(handler.diff),
    update: guard(handler.update),
    delete: guard(handler.delete),
    read: guard(handler.read),
  };
}

/** Whether a line the SDK's host prints is the stack copy of a quiet error (`${e}: ${e.stack}`). */
export const isQuietCopy = (line: unknown): boolean => typeof line === "string" && line.endsWith(`: ${QUIET_STACK}`);
