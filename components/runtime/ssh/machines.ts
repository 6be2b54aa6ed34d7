// A machine's side of an SSH lab: what the program checks before anything is touched (it answers,
// Java 17+, its base directory, the ports), the lab's directory there (claimed with the same marker
// as a local lab directory) and the release copied there once; and leaving the machine as it was.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { LAB_MARKER, markerText, parseMarker } from "../../store/layout";
import { machineKafkaHome, machineLabDir, type SshMachine } from "../spec";
import { exec, run, shq } from "./connection";
import { DISTRIBUTION_PARTS } from "./distribution";

/** What the machine says of itself in one round trip: its Java, whether the base directory can be written, its lab directory, its listening sockets. */
export interface MachineFacts {
  java: string;
  /** Whether the login user could create baseDir and a file in a directory of its own under it (baseDirProbe). */
  writable: boolean;
  /** When not writable: the step that failed and why, e.g. `creating /proc/kraftlab: No such file or directory`. */
  writeFailure: string;
  /** Whether baseDir existed before the probe (a lab leaves one it made, and no other, as it found it). */
  baseExists: boolean;
  /** `absent`, `foreign` (entries that are no lab's), or the marker's JSON. */
  labDir: string;
  /** /proc/net/tcp and tcp6. */
  sockets: string;
}

const SEP = "\n--kraftlab--\n";

/**
 * The shell that tries, as the login user, what `up` will do in baseDir: create it (mkdir -p), and a
 * directory of its own under it holding a file. It then removes exactly what it made: the file, the
 * probe directory, and those directories of baseDir's path that did not exist before, deepest first
 * with rmdir (which removes only an empty directory, so nothing else ever goes). It prints
 * `yes|no base|new` (whether baseDir existed before), then, when no, the step that failed and why.
 * baseDir holds no quote, space or `$` (the schema's rule); it is quoted all the same.
 */
export function baseDirProbe(baseDir: string): string {
  return [
    `b=${shq(baseDir)}; p="$b/.kraftlab-probe-$$"; f=`,
    `[ -d "$b" ] && e=base || e=new`,
    // n: the topmost directory of baseDir's path that does not exist yet (none when baseDir exists).
    `n=; d="$b"; while [ ! -e "$d" ]; do n="$d"; d=$(dirname "$d"); done`,
    `if ! w=$(mkdir -p "$b" 2>&1); then f="creating $b"`,
    `elif ! w=$(mkdir "$p" 2>&1); then f="creating a directory in $b"`,
    `else w=$(touch "$p/probe" 2>&1) || f="creating a file in $b"; rm -f "$p/probe"; rmdir "$p"; fi`,
    `d="$b"; while [ -n "$n" ] && rmdir "$d" 2>/dev/null && [ "$d" != "$n" ]; do d=$(dirname "$d"); done`,
    `if [ -z "$f" ]; then echo "yes $e"; else printf 'no %s\\n%s: %s\\n' "$e" "$f" "\${w##*: }"; fi`,
  ].join("; ");
}

/** What baseDirProbe printed. */
export function probeAnswer(out: string): Pick<MachineFacts, "writable" | "writeFailure" | "baseExists"> {
  const [answer = "", failure = ""] = out.trim().split("\n");
  const [verdict, base] = answer.split(" ");
  return {
    writable: verdict === "yes",
    writeFailure: verdict === "yes" ? "" : failure.replace(/:\s*$/, "") || "the probe did not say why",
    baseExists: base === "base",
  };
}

export async function machineFacts(m: SshMachine, lab: string): Promise<MachineFacts> {
  const java = m.javaHome ? shq(`${m.javaHome}/bin/java`) : "java";
  const dir = shq(machineLabDir(m, lab));
  const out = await run(
    m,
    [
      `${java} -version 2>&1 | head -3`,
      baseDirProbe(m.baseDir),
      `if [ -f ${dir}/${LAB_MARKER} ]; then cat ${dir}/${LAB_MARKER}; elif [ -d ${dir} ] && [ -n "$(ls -A ${dir})" ]; then echo foreign; else echo absent; fi`,
      "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null",
    ].join(`; printf '${SEP.replace(/\n/g, "\\n")}'; `),
    "looking at the machine",
  );
  const [javaOut, probe, labDir, sockets] = out.split(SEP);
  return { java: javaOut.trim(), ...probeAnswer(probe), labDir: labDir.trim(), sockets };
}

const hexPort = (field: string) => Number.parseInt(field.split(":")[1] ?? "", 16);
/** An IPv4 address of /proc/net/tcp (little-endian hex). */
const ipv4 = (hex: string) => [0, 1, 2, 3].map((i) => Number.parseInt(hex.slice(6 - 2 * i, 8 - 2 * i), 16)).join(".");

/**
 * The ports something listens on at `address` (or on every address) in /proc/net/tcp{,6}: what a
 * node binding address:port would collide with.
 */
export function listeningPorts(procNetTcp: string, address: string): Set<number> {
  const ports = new Set<number>();
  for (const line of procNetTcp.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== "0A") continue; // 0A: LISTEN
    const [hex] = fields[1].split(":");
    const local = hex.length === 8 ? ipv4(hex) : /^0+$/.test(hex) ? "0.0.0.0" : /^0{16}FFFF0000/i.test(hex) ? ipv4(hex.slice(24)) : "";
    if (local === "0.0.0.0" || local === address) ports.add(hexPort(fields[1]));
  }
  return ports;
}

/** Why the stack may not use the machine's lab directory (`labDir` of machineFacts), or undefined. `token`: the stack's, once it claimed it. */
export function machineDirProblem(m: SshMachine, lab: string, stack: string, labDir: string, token?: string): string | undefined {
  const dir = `${m.name}:${machineLabDir(m, lab)}`;
  const fix = `set kraftlab:machines.${m.name}.baseDir to another directory, or remove ${machineLabDir(m, lab)} there`;
  if (labDir === "absent") return undefined;
  if (labDir === "foreign") return `kraftlab:machines.${m.name}.baseDir: ${dir} holds files that are no kraftlab lab's; ${fix}`;
  const marker = parseMarker(labDir);
  if (marker && marker.stack !== stack) return `kraftlab:machines.${m.name}.baseDir: ${dir} belongs to kraftlab stack ${marker.stack}; ${fix}`;
  if (token !== undefined && marker?.token !== token) {
    return `kraftlab:machines.${m.name}.baseDir: ${dir} holds a lab of stack ${stack} that this stack's state does not know (a stack removed without destroy); ${fix}`;
  }
  return undefined;
}

/** What state keeps of a machine the stack claimed: its marker's token, and whether the stack made baseDir. */
export interface MachineClaim {
  token: string;
  madeBaseDir: boolean;
}

/** Claims the machine's lab directory for `stack` unless it holds the claim's token already. */
export async function claimMachine(m: SshMachine, lab: string, stack: string, claim?: MachineClaim): Promise<MachineClaim> {
  const facts = await machineFacts(m, lab);
  // A token in state that the machine holds: nothing to claim. Otherwise only an absent or empty directory.
  if (claim && parseMarker(facts.labDir)?.token === claim.token) return claim;
  const problem = machineDirProblem(m, lab, stack, facts.labDir, facts.labDir === "absent" ? undefined : "");
  if (problem) throw new Error(problem);
  const marker = { stack, token: randomBytes(12).toString("hex") };
  const dir = shq(machineLabDir(m, lab));
  await run(m, `mkdir -p ${dir} && cat > ${dir}/${LAB_MARKER}`, "claiming the lab directory", { stdin: Buffer.from(markerText(marker)) });
  return { token: marker.token, madeBaseDir: claim?.madeBaseDir ?? !facts.baseExists };
}

/** Copies the release at `kafkaHome` (this machine) to the machine unless it has it: one tar stream, moved in place once whole. */
export async function ensureDistribution(m: SshMachine, kafkaHome: string, distribution: string): Promise<void> {
  const target = shq(machineKafkaHome(m, distribution));
  if ((await exec(m, `[ -d ${target} ]`)).code === 0) return;
  const tar = spawn("tar", ["-C", kafkaHome, "-cf", "-", ...DISTRIBUTION_PARTS], { stdio: ["ignore", "pipe", "pipe"] });
  const copied = run(m, `t=${target}.partial.$$; mkdir -p "$t" && tar -C "$t" -xf - && mv "$t" ${target}`, `copying Kafka (${kafkaHome})`, {
    stdin: tar.stdout,
    timeoutMs: 600_000,
  });
  const [, code] = await Promise.all([copied, new Promise<number>((resolve) => tar.once("close", resolve))]);
  if (code !== 0) throw new Error(`copying Kafka to machine ${m.name}: tar of ${kafkaHome} failed (exit ${code})`);
}

/**
 * Leaves the machine as the stack found it: its lab directory (only while it holds the stack's
 * token), the releases no other lab there uses, and the base directory once empty.
 */
export async function releaseMachine(m: SshMachine, lab: string, claim: MachineClaim): Promise<void> {
  const dir = machineLabDir(m, lab);
  const facts = await machineFacts(m, lab);
  if (parseMarker(facts.labDir)?.token === claim.token) await run(m, `rm -rf ${shq(dir)}`, "removing the lab directory");
  const base = shq(m.baseDir);
  // The releases stay while another lab's directory (with its marker) is there.
  await run(
    m,
    `[ -d ${base} ] || exit 0; ls ${base}/*/${LAB_MARKER} >/dev/null 2>&1 && exit 0; rm -rf ${base}/kafka; ${claim.madeBaseDir ? `rmdir ${base} 2>/dev/null; ` : ""}exit 0`,
    "removing the release",
  );
}
