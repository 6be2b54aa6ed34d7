// What a Kafka node's log says, for error messages: its end without Java stack frames, and why the node
// stopped. Pure: the runtimes read the log where the node runs.

/** The last `lines` lines of a log's text, without stack frames, each cut to 400 characters. */
export const lastLines = (log: string, lines = 30): string => (log ? withoutFrames(log).slice(-lines).join("\n") : "(no log yet)");

/** A log's lines without Java stack frames (the exception's own line and its causes stay), each at most 400 characters. */
const withoutFrames = (log: string) =>
  log
    .trimEnd()
    .split("\n")
    .filter((line) => !/^\s+(at |\.\.\. \d+ more)/.test(line))
    .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line));

/**
 * Why a Kafka node stopped, from its log: its last ERROR or FATAL line and the exceptions under it
 * (`Exiting Kafka due to fatal exception: java.lang.ClassNotFoundException: …`); undefined without one.
 */
export function fatalCause(log: string): string | undefined {
  const lines = withoutFrames(log);
  const at = lines.map((line) => /^\[[^\]]+\] (ERROR|FATAL) /.test(line)).lastIndexOf(true);
  if (at < 0) return undefined;
  const message = lines[at].replace(/^\[[^\]]+\] (ERROR|FATAL) /, "").replace(/ \([\w.$]+\)$/, "");
  const exceptions = lines.slice(at + 1).filter((line) => /^(Caused by: )?[\w.$]+(Exception|Error)\b/.test(line));
  return [message, ...exceptions].join(": ");
}
