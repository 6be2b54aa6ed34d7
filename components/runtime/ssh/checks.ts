// What the SSH runtime checks before anything is touched, one round trip per machine: it answers with
// its host key and takes the key, has Java 17+ and a base directory to write, its lab directory is
// none of another's, and the nodes' ports are free there.

import { javaMajor } from "../../host/thisMachine";
import { DEFAULT_BASE_DIR } from "../../model/schema/machines";
import type { BusyPort, LabCheck, Runtime } from "../runtime";
import { machineLabDir, type SshMachine, type SshSpec } from "../spec";
import { run, shq } from "./connection";
import { listeningPorts, type MachineFacts, machineDirProblem, machineFacts } from "./machines";

/** The machines the lab's nodes name (the others are not checked, nor touched). */
const usedMachines = (lab: LabCheck): SshMachine[] => Object.values(lab.setup.ssh?.machines ?? {});

/** What each machine says of itself, asked once for both checks; the error of one that does not answer. */
type Facts = (m: SshMachine) => Promise<MachineFacts | Error>;

/** A memo of machineFacts by machine, for one runtime's checks. */
export function factsOnce(spec: SshSpec): Facts {
  const asked = new Map<string, Promise<MachineFacts | Error>>();
  return (m) => {
    let facts = asked.get(m.name);
    if (!facts) {
      facts = machineFacts(m, spec.lab).catch((err: Error) => err);
      asked.set(m.name, facts);
    }
    return facts;
  };
}

/** A baseDir the login user could not write (machineFacts' probe): what failed there, and a directory to set instead (the default, unless that failed). */
export function baseDirProblem(m: SshMachine, failure: string): string {
  const key = `kraftlab:machines.${m.name}.baseDir`;
  const example = m.baseDir === DEFAULT_BASE_DIR ? `${m.user === "root" ? "/root" : `/home/${m.user}`}/kraftlab` : `${DEFAULT_BASE_DIR} (the default)`;
  return `${key}: ${m.user} cannot write ${m.baseDir} on ${m.address} (${failure}); set ${key} to a directory ${m.user} may write, e.g. ${example}`;
}

/** A machine that does not answer is its one problem; otherwise each of its own, key first. */
export async function machineProblems(spec: SshSpec, lab: LabCheck, factsOf: Facts): Promise<string[]> {
  const perMachine = await Promise.all(
    usedMachines(lab).map(async (m): Promise<string[]> => {
      const facts = await factsOf(m);
      if (facts instanceof Error) return [facts.message];
      const problems: string[] = [];
      const key = `kraftlab:machines.${m.name}`;
      const major = javaMajor(facts.java);
      if (major < 17) {
        const found = major > 0 ? `Java ${major}` : "no Java";
        problems.push(
          `${key}: ${found} on ${m.address} (${m.javaHome ? `${m.javaHome}/bin/java` : "java on the login PATH"}: ${facts.java.split("\n")[0] || "nothing"}); ` +
            `Kafka 4 needs Java 17+: install it there (apt-get install -y openjdk-17-jre-headless), or set ${key}.javaHome to one, e.g. /usr/lib/jvm/java-17-openjdk-amd64`,
        );
      }
      if (!facts.writable) problems.push(baseDirProblem(m, facts.writeFailure));
      const dir = machineDirProblem(m, spec.lab, lab.stack, facts.labDir);
      if (dir) problems.push(dir);
      return problems;
    }),
  );
  return perMachine.flat();
}

/** Ports of nodes that do not run, held by something on their machine (its /proc/net/tcp); a machine that does not answer is machineProblems' to say. */
export async function machineBusyPorts(rt: Runtime, lab: LabCheck, factsOf: Facts): Promise<BusyPort[]> {
  const busy = await Promise.all(
    usedMachines(lab).map(async (m) => {
      const facts = await factsOf(m);
      if (facts instanceof Error) return [];
      const listening = listeningPorts(facts.sockets, m.address);
      const found: BusyPort[] = [];
      for (const node of lab.nodes.filter((n) => n.machine === m.name)) {
        const taken = Object.entries(node.ports).filter((entry): entry is [string, number] => entry[1] !== undefined && listening.has(entry[1]));
        if (taken.length === 0 || (await rt.running(node)) !== undefined) continue;
        for (const [kind, port] of taken) found.push({ nodeId: node.id, kind, port, machine: { name: m.name, address: m.address } });
      }
      return found;
    }),
  );
  return busy.flat();
}

/**
 * The nodes of the lab on its machines (each one's `<baseDir>/<stack>/node-<id>/server.properties`),
 * with their roles; a machine that does not answer holds none as far as this goes (machineProblems says it).
 */
export async function machineNodes(spec: SshSpec): Promise<{ id: number; roles: string[] }[]> {
  const found = await Promise.all(
    Object.values(spec.machines).map(async (m) => {
      const listing = await run(
        m,
        `for f in ${shq(machineLabDir(m, spec.lab))}/node-*/server.properties; do [ -f "$f" ] && echo "$f $(grep '^process.roles=' "$f")"; done; exit 0`,
        "listing the lab's nodes",
      ).catch(() => "");
      return [...listing.matchAll(/\/node-(\d+)\/server\.properties process\.roles=(\S*)/g)].map((n) => ({ id: Number(n[1]), roles: n[2].split(",") }));
    }),
  );
  return found.flat();
}
