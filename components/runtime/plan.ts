// The program's side of the runtime seam: from the config and the machine, the RuntimeSpec the
// providers run the nodes with and the LabRuntime resource's inputs. Built once, at the program edge.
import * as path from "node:path";
import { fingerprint } from "../model/fingerprint";
import type { MachineConfig } from "../model/schema/machines";
import type { DockerConfig } from "../model/schema/runtime";
import type { ClusterPlan } from "../model/topology";
import { engine } from "./docker/engine";
import { imageTags } from "./docker/image";
import type { DockerSpec, ImageBuild, RuntimeSetup, RuntimeSpec, SshMachine, SshSpec } from "./spec";
import { distributionHash } from "./ssh/distribution";

/** The first engine of `candidates` (`unix:///…`) that answers a ping, or undefined. */
export async function reachableEngine(candidates: string[]): Promise<string | undefined> {
  for (const dockerHost of candidates) {
    const answers = await engine(dockerHost, 2_000)
      .ping()
      .then(() => true)
      .catch(() => false);
    if (answers) return dockerHost;
  }
  return undefined;
}

/** A lab's default subnet, one of 172.30.0.0/24 … 172.30.255.0/24 by its name (runtime.subnet overrides it). */
export const defaultSubnet = (lab: string) => `172.30.${Number.parseInt(fingerprint(lab).slice(0, 2), 16)}.0/24`;

export interface RuntimePlan {
  spec: RuntimeSpec;
  setup: RuntimeSetup;
}

/** The process runtime: nodes from `kafkaHome`, nothing to make beforehand. */
export const planProcessRuntime = (kafkaHome: string, labDir: string): RuntimePlan => ({
  spec: { kind: "process", kafkaHome },
  setup: { kind: "process", labDir },
});

/**
 * The Docker runtime on `dockerHost`: kraftlab's image (built from `build`) unless runtime.image names
 * one; mounted at the same paths, the directories the nodes read (labDir, certsDir, the exporter's).
 */
export function planDockerRuntime(
  plan: ClusterPlan,
  cfg: DockerConfig,
  lab: string,
  dirs: { dockerHost: string; labDir: string; certsDir?: string; exporterJar?: string; build: ImageBuild },
): RuntimePlan {
  const image = cfg.image ?? imageTags(dirs.build).image;
  const spec: DockerSpec = {
    kind: "docker",
    dockerHost: dirs.dockerHost,
    image,
    network: cfg.network ?? `kraftlab-${lab}`,
    subnet: cfg.subnet ?? defaultSubnet(lab),
    lab,
    publishHost: plan.host,
    mounts: [
      { path: dirs.labDir, readOnly: false },
      ...(dirs.certsDir ? [{ path: dirs.certsDir, readOnly: true }] : []),
      ...(dirs.exporterJar ? [{ path: path.dirname(dirs.exporterJar), readOnly: true }] : []),
    ],
    user: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
  };
  return {
    spec,
    setup: {
      kind: "docker",
      labDir: dirs.labDir,
      docker: { dockerHost: spec.dockerHost, network: spec.network, subnet: spec.subnet, lab, image, ...(cfg.image ? {} : { build: dirs.build }) },
    },
  };
}

/**
 * The SSH runtime on the declared machines, each as its dial needs it (a key file's path made absolute,
 * `agent: true` the SSH_AUTH_SOCK): a node leaving the config is still reached on its machine. Only the
 * machines the nodes name get the lab's directory and the release (the LabRuntime resource).
 */
export function planSshRuntime(
  plan: ClusterPlan,
  machines: Record<string, MachineConfig>,
  lab: string,
  dirs: { stack: string; labDir: string; kafkaHome: string; projectDir: string; home: string },
): RuntimePlan {
  const used = [...new Set(plan.nodes.map((n) => n.machine).filter((m): m is string => m !== undefined))];
  const resolveKey = (file: string) => (file.startsWith("~/") ? path.join(dirs.home, file.slice(2)) : path.resolve(dirs.projectDir, file));
  const specOf = (name: string): SshMachine => {
    const m = machines[name];
    const agent = m.ssh.agent === true ? process.env.SSH_AUTH_SOCK : m.ssh.agent;
    return {
      name,
      address: m.address,
      user: m.ssh.user,
      port: m.ssh.port,
      ...(m.ssh.privateKey && { privateKey: resolveKey(m.ssh.privateKey) }),
      ...(agent && { agent }),
      hostKey: m.ssh.hostKey ?? "",
      ...(m.javaHome && { javaHome: m.javaHome }),
      baseDir: m.baseDir,
    };
  };
  const spec: SshSpec = {
    kind: "ssh",
    lab,
    machines: Object.fromEntries(Object.keys(machines).map((name) => [name, specOf(name)])),
    kafkaHome: dirs.kafkaHome,
    distribution: distributionHash(dirs.kafkaHome),
  };
  return {
    spec,
    setup: {
      kind: "ssh",
      labDir: dirs.labDir,
      ssh: {
        lab,
        stack: dirs.stack,
        machines: Object.fromEntries(used.map((name) => [name, spec.machines[name]])),
        kafkaHome: spec.kafkaHome,
        distribution: spec.distribution,
      },
    },
  };
}
