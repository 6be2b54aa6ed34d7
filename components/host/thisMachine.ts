// This machine's addresses and ports, asked by binding them (nothing is sent anywhere): for the nodes of
// local runtimes and for the monitoring servers.
import * as net from "node:net";

/**
 * Whether `host` is an address of this machine, by binding it (port 0): nothing is sent anywhere.
 * Kafka binds and advertises it, so an address of another machine could never start a node.
 */
export function hostBindProblems(host: string): Promise<string[]> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (err: NodeJS.ErrnoException) => {
      const why =
        err.code === "EADDRNOTAVAIL"
          ? "is not an address of this machine"
          : err.code === "ENOTFOUND" || err.code === "EAI_AGAIN"
            ? "is not a name this machine can resolve"
            : `cannot be bound (${err.code ?? err.message})`;
      resolve([`kraftlab:host: ${host} ${why}; every node binds and advertises kraftlab:host, so set it to an address of this machine, e.g. 127.0.0.1`]);
    });
    server.listen({ host, port: 0, exclusive: true }, () => server.close(() => resolve([])));
  });
}

export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The major version `java -version` prints, or 0 (here, or on a machine). */
export const javaMajor = (versionOutput: string) => Number(/version "(?:1\.)?(\d+)/.exec(versionOutput)?.[1] ?? 0);
