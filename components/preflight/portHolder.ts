// Who listens on a busy port (Linux /proc): so a refusal can say "node 2 of stack dev" or "pid 812
// (nginx …)" rather than "another process". Read only when a port is already found busy.
import * as fs from "node:fs";
import * as path from "node:path";
import type { PortHolder } from "../model/validate";
import { readMarker } from "../store/labStore";

/** The kraftlab lab a file belongs to: the nearest of its parent directories that holds a lab marker. */
function labOf(file: string): { labDir: string; stack?: string } | undefined {
  for (let dir = path.dirname(file), up = 0; up < 3 && dir !== path.dirname(dir); dir = path.dirname(dir), up++) {
    const marker = readMarker(dir);
    if (marker) return { labDir: dir, stack: marker.stack };
  }
  return undefined;
}

/** Inodes of the sockets listening on `port` (IPv4 and IPv6). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let lines: string[];
    try {
      lines = fs.readFileSync(table, "utf8").split("\n").slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; field 9 is the inode.
      if (fields.length > 9 && fields[3] === "0A" && Number.parseInt(fields[1].split(":")[1], 16) === port) inodes.add(fields[9]);
    }
  }
  return inodes;
}

const readOrEmpty = (file: string) => {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
};

function describe(pid: number): PortHolder {
  const argv = readOrEmpty(`/proc/${pid}/cmdline`).split("\0").filter(Boolean);
  const config = argv.find((arg) => /\/node-\d+\/server\.properties$/.test(arg));
  if (config && argv.includes("kafka.Kafka")) {
    const labDir = path.dirname(path.dirname(config));
    const id = Number(/node-(\d+)/.exec(path.basename(path.dirname(config)))?.[1]);
    return { pid, command: `kafka.Kafka ${config}`, node: { labDir, id, stack: readMarker(labDir)?.stack } };
  }
  const command = [path.basename(argv[0] ?? "?"), ...argv.slice(1)].join(" ");
  const lab = argv
    .slice(1)
    .filter((arg) => path.isAbsolute(arg))
    .map(labOf)
    .find(Boolean);
  return { pid, command: command.length > 60 ? `${command.slice(0, 57)}…` : command, ...(lab && { lab }) };
}

/** The process listening on `port`, or undefined when none can be seen (another user's, or no /proc). */
export function portHolder(port: number): PortHolder | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link = "";
      try {
        link = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode && inodes.has(inode)) return describe(Number(entry));
    }
  }
  return undefined;
}
