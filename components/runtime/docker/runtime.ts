// The Docker runtime: each node a container of the lab's image on the lab's network, its data on a
// named volume, its files on the same paths as on this machine (see containerSpec.ts). Talks to the
// Engine API through dockerode; no docker CLI, no registry.
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { getProperties } from "properties-file";
import { readLogEnd, stopWithDeadline } from "../../host/daemon";
import { putFile, readIfExists } from "../../host/files";
import { hostBindProblems } from "../../host/thisMachine";
import { localBusyPorts, nodesOnDisk } from "../localChecks";
import type { NodeRef, Runtime } from "../runtime";
import { type DockerSpec, labLabels, NODE_LABEL } from "../spec";
import { metaOf } from "../storageMeta";
import { imageProblems, leftoverProblems } from "./checks";
import { containerAddresses, nodeContainer, nodeEndpoint, storageContainer, toolExec, volumeName, voterContainers } from "./containerSpec";
import { engine, signalIfRunning, unlessMissing } from "./engine";

/** The engine's client, for what inspects a lab's containers beside the runtime (the Docker e2e test). */

/** The container's state, or undefined when there is none of that name. */
const inspectContainer = (docker: Docker, name: string) => unlessMissing(docker.getContainer(name).inspect());

/** stdout and stderr of an attached, multiplexed stream, once it ends. */
function collect(docker: Docker, stream: NodeJS.ReadableStream): Promise<{ stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  out.on("data", (c: Buffer) => chunks.stdout.push(c));
  err.on("data", (c: Buffer) => chunks.stderr.push(c));
  docker.modem.demuxStream(stream, out, err);
  return new Promise((resolve, reject) => {
    stream.on("error", reject);
    stream.on("end", () => resolve({ stdout: Buffer.concat(chunks.stdout).toString("utf8"), stderr: Buffer.concat(chunks.stderr).toString("utf8") }));
  });
}

/** Runs a one-off container to its end and removes it; its stdout, or an error with its output. */
async function runOnce(docker: Docker, options: Docker.ContainerCreateOptions, what: string): Promise<string> {
  const container = await docker.createContainer(options);
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const output = collect(docker, stream);
    await container.start();
    const [{ StatusCode }, { stdout, stderr }] = await Promise.all([container.wait(), output]);
    if (StatusCode !== 0) throw new Error(`${what} failed (exit ${StatusCode}): ${(stderr || stdout).trim()}`);
    return stdout;
  } finally {
    await container.remove({ force: true });
  }
}

export function dockerRuntime(spec: DockerSpec): Runtime {
  const docker = engine(spec.dockerHost);
  const name = (node: NodeRef) => node.container ?? "";
  const running = async (container: string) => (await inspectContainer(docker, container))?.State.Running === true;
  const volume = (node: NodeRef) => docker.createVolume({ Name: volumeName(node), Labels: { ...labLabels(spec.lab) } });
  /** What a storage container printed: the meta.properties of storage that was formatted before, else undefined. */
  const storageMeta = async (options: Docker.ContainerCreateOptions, what: string) => {
    const [first, ...meta] = (await runOnce(docker, options, what)).split("\n");
    return first === "formatted" ? metaOf(getProperties(meta.join("\n"))) : undefined;
  };
  /** Runs a Kafka tool inside `container`; its stdout, or an error with what it printed. */
  const execTool = async (container: string, tool: string, args: string[], timeoutMs: number) => {
    const exec = await docker.getContainer(container).exec(toolExec(spec, tool, args));
    const stream = await exec.start({ hijack: true, stdin: false });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${tool} ${args[0] ?? ""} failed: no answer after ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      const { stdout, stderr } = await Promise.race([collect(docker, stream), timeout]);
      const { ExitCode } = await exec.inspect();
      if (ExitCode !== 0) throw new Error(`${tool} ${args[0] ?? ""} failed: ${(stderr || stdout).trim()}`);
      return stdout;
    } finally {
      clearTimeout(timer);
    }
  };
  const network = docker.getNetwork(spec.network);
  // Asked before each request of the cluster client: an engine that does not answer fails it in seconds.
  const lookups = engine(spec.dockerHost, 10_000);
  return {
    kind: "docker",
    faults: {
      kill: (node) => signalIfRunning(docker.getContainer(name(node)).kill({ signal: "SIGKILL" })),
      freeze: async (node) => void (await docker.getContainer(name(node)).pause()),
      thaw: async (node) => void (await docker.getContainer(name(node)).unpause()),
      isolation: {
        cut: async (node) => void (await network.disconnect({ Container: name(node), Force: true })),
        // Back under the same names: the others dial it by them (its address may change).
        mend: async (node) => void (await network.connect({ Container: name(node), EndpointConfig: nodeEndpoint(node) })),
      },
      async wipe(node) {
        await unlessMissing(docker.getContainer(name(node)).remove({ force: true }));
        await unlessMissing(docker.getVolume(volumeName(node)).remove());
      },
    },
    async format(node, clusterId, flags) {
      await volume(node);
      // One container: what formatted storage holds, or storage formatted now (see storageContainer).
      return storageMeta(storageContainer(spec, node, { clusterId, flags }), "kafka-storage format");
    },
    async meta(node) {
      if (!(await unlessMissing(docker.getVolume(volumeName(node)).inspect()))) return undefined;
      return storageMeta(storageContainer(spec, node), "reading meta.properties");
    },
    async start(node) {
      // A container of an earlier run (stopped, or from another launch) gives way to one of this launch.
      await unlessMissing(docker.getContainer(name(node)).remove({ force: true }));
      await fsp.mkdir(path.dirname(node.logFile), { recursive: true });
      const container = await docker.createContainer(nodeContainer(spec, node));
      await container.start();
      return { ref: container.id };
    },
    async runs(node, ref) {
      const info = await inspectContainer(docker, name(node));
      return info?.Id === ref && info.State.Running;
    },
    async running(node) {
      const info = await inspectContainer(docker, name(node));
      return info?.State.Running ? info.Id : undefined;
    },
    storageName: (node) => `volume ${volumeName(node)}`,
    stop(node, timeoutMs, voters) {
      const container = docker.getContainer(name(node));
      const voterNames = voterContainers(spec, voters);
      return stopWithDeadline({
        running: () => running(name(node)),
        // The node may stop by itself between the check and the signal.
        terminate: () => signalIfRunning(container.kill({ signal: "SIGTERM" })),
        kill: async () => void (await container.kill({ signal: "SIGKILL" }).catch(() => undefined)),
        quorumAlive: async () => {
          if (voterNames.length === 0) return true;
          const up = await Promise.all(voterNames.map(running));
          return up.filter(Boolean).length > voterNames.length / 2;
        },
        timeoutMs,
      });
    },
    // The node writes its log file into its directory, mounted from this machine (see nodeContainer).
    log: async (node) => readLogEnd(node.logFile),
    // The node's files are this machine's, mounted at the same paths.
    put: (_node, file, data, mode) => putFile(file, data, mode),
    read: (_node, file) => readIfExists(file),
    async remove(node) {
      await this.stop(node, 30_000, []);
      await unlessMissing(docker.getContainer(name(node)).remove({ force: true }));
      await unlessMissing(docker.getVolume(volumeName(node)).remove());
      await fsp.rm(node.dir, { recursive: true, force: true });
    },
    async tool(tool, args, timeoutMs = 120_000) {
      const [host] = await docker.listContainers({ filters: { label: [`org.kraftlab.lab=${spec.lab}`], status: ["running"] } });
      if (!host) throw new Error(`${tool} ${args[0] ?? ""} failed: no container of lab ${spec.lab} is running to run it in`);
      return execTool(host.Id, tool, args, timeoutMs);
    },
    // EXTERNAL and the metrics are published on kraftlab:host, which must be this machine's.
    problems: async (lab) => [...(await hostBindProblems(lab.host)), ...(await imageProblems(docker, lab)), ...(await leftoverProblems(docker, spec, lab))],
    busyPorts(lab) {
      return localBusyPorts(this, lab, ["external", "metrics"]);
    },
    nodesOnDisk: async (labDir) => nodesOnDisk(labDir),
    nodeAddresses: async () =>
      containerAddresses(
        await lookups.listContainers({ filters: { label: [`org.kraftlab.lab=${spec.lab}`, NODE_LABEL], network: [spec.network] } }),
        spec.network,
      ),
  };
}
