// What the process runtime's dynamic resources do: this module runs inside Pulumi's dynamic
// provider process (loaded by resources.ts), never in the program, so it imports no Pulumi runtime.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { isNodeProcess, quorumVoters, recordedPid, startDaemon, stopDaemon, waitReady } from "./daemon";
import { securityHandlers } from "../security/handlers";
import { readBack, same, type Handler } from "./handler";
import { ensureFormatted } from "./storage";

/** Inputs of one Kafka node process (see KafkaCluster). */
export interface NodeProcessInputs {
  nodeId: number;
  roles: string[];
  clusterId: string;
  kafkaHome: string;
  heap: string;
  dir: string;
  dataDir: string;
  configFile: string;
  logFile: string;
  pidFile: string;
  serverProperties: string;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
}
export interface NodeProcessOutputs extends NodeProcessInputs {
  pid: number;
}

/** Inputs that make a different node: changing one replaces it. */
const NODE_IDENTITY: (keyof NodeProcessInputs)[] = ["nodeId", "dir", "dataDir"];
/** Inputs whose change needs a restart. */
const NODE_RESTART: (keyof NodeProcessInputs)[] = ["roles", "clusterId", "kafkaHome", "heap", "configFile", "logFile", "pidFile", "serverProperties"];

/** Writes `data` with exactly `mode` (writeFile's mode applies only to a new file). */
async function writeWithMode(file: string, data: string | Buffer, mode: number): Promise<void> {
  await fsp.writeFile(file, data, { mode });
  await fsp.chmod(file, mode);
}

const readText = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined);

function stopNode(olds: NodeProcessOutputs) {
  return stopDaemon(olds.pid, olds.configFile, olds.stopTimeoutMs, quorumVoters(olds.serverProperties));
}

async function startNode(inputs: NodeProcessInputs): Promise<NodeProcessOutputs> {
  // A process left by an earlier attempt that failed is not in state: stop it, or it holds the ports.
  await stopDaemon(recordedPid(inputs.pidFile), inputs.configFile, inputs.stopTimeoutMs);
  await fsp.mkdir(inputs.dir, { recursive: true });
  // 0600: with security on, server.properties holds the keystore and SASL passwords.
  await writeWithMode(inputs.configFile, inputs.serverProperties, 0o600);
  await ensureFormatted(inputs);
  const { pid, logOffset } = await startDaemon(inputs);
  try {
    await waitReady(inputs, pid, logOffset, inputs.readyTimeoutMs);
  } catch (err) {
    // Not ready means not created: stop it so that no process outlives what state knows of.
    await stopDaemon(pid, inputs.configFile, inputs.stopTimeoutMs);
    throw err;
  }
  return { ...inputs, pid };
}

const nodeProcess: Handler = {
  async create(inputs: NodeProcessInputs) {
    return { id: `node-${inputs.nodeId}`, outs: await startNode(inputs) };
  },
  async diff(_id, olds: NodeProcessOutputs, news: NodeProcessInputs) {
    const replaces = NODE_IDENTITY.filter((k) => !same(olds[k], news[k]));
    const changed = NODE_RESTART.filter((k) => !same(olds[k], news[k]));
    // Drift: a node that died, or a config file edited by hand, is put back by the next `up`.
    const drifted = !isNodeProcess(olds.pid, olds.configFile) || readText(olds.configFile) !== news.serverProperties;
    return {
      changes: replaces.length > 0 || changed.length > 0 || drifted,
      replaces,
      deleteBeforeReplace: true, // the replacement needs the same ports
    };
  },
  async update(_id, olds: NodeProcessOutputs, news: NodeProcessInputs) {
    await stopNode(olds);
    return { outs: await startNode(news) };
  },
  async delete(_id, olds: NodeProcessOutputs) {
    await stopNode(olds);
    await fsp.rm(olds.dir, { recursive: true, force: true });
  },
  async read(id, olds: NodeProcessOutputs) {
    // A dead node reads back with pid 0, so the next `up` starts it again.
    return { id, props: { ...olds, pid: isNodeProcess(olds.pid, olds.configFile) ? olds.pid : 0 } };
  },
};

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, as `kafka-storage random-uuid`. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    // Kafka's own generator rejects ids starting with "-", which command lines would take for an option.
    if (!id.startsWith("-")) return id;
  }
}

const clusterId: Handler = {
  async create() {
    const value = newClusterId();
    return { id: value, outs: { clusterId: value } };
  },
  async diff() {
    return { changes: false };
  },
  async update(_id, olds) {
    return { outs: olds };
  },
  async delete() {},
  read: readBack,
};

/** A file the lab writes: `content` (text, or base64 for binary files) at `path` with `mode`; removed on delete. */
export interface LabFileInputs {
  path: string;
  content: string;
  encoding: "utf8" | "base64";
  mode: number;
}

async function writeLabFile(inputs: LabFileInputs): Promise<LabFileInputs> {
  await fsp.mkdir(path.dirname(inputs.path), { recursive: true });
  await writeWithMode(inputs.path, Buffer.from(inputs.content, inputs.encoding), inputs.mode);
  return inputs;
}

const labFile: Handler = {
  async create(inputs: LabFileInputs) {
    return { id: inputs.path, outs: await writeLabFile(inputs) };
  },
  async diff(_id, olds: LabFileInputs, news: LabFileInputs) {
    const onDisk = fs.existsSync(olds.path) ? fs.readFileSync(olds.path).toString(news.encoding) : undefined;
    return {
      changes: olds.path !== news.path || olds.mode !== news.mode || onDisk !== news.content,
      replaces: olds.path !== news.path ? ["path"] : [],
    };
  },
  async update(_id, _olds, news: LabFileInputs) {
    return { outs: await writeLabFile(news) };
  },
  async delete(_id, olds: LabFileInputs) {
    await fsp.rm(olds.path, { force: true });
  },
  read: readBack,
};

/** Marks a directory as a lab's, so that delete never removes a directory kraftlab did not make. */
export const LAB_MARKER = ".kraftlab-lab";

const labDirectory: Handler = {
  async create(inputs: { path: string }) {
    await fsp.mkdir(inputs.path, { recursive: true });
    await fsp.writeFile(path.join(inputs.path, LAB_MARKER), "This directory belongs to a kraftlab stack; `pulumi destroy` removes it.\n");
    return { id: inputs.path, outs: inputs };
  },
  async diff(_id, olds, news) {
    return { changes: olds.path !== news.path, replaces: olds.path !== news.path ? ["path"] : [] };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete(_id, olds: { path: string }) {
    if (fs.existsSync(path.join(olds.path, LAB_MARKER))) await fsp.rm(olds.path, { recursive: true, force: true });
  },
  read: readBack,
};

export const handlers = { nodeProcess, clusterId, labFile, labDirectory, ...securityHandlers };
export type HandlerKind = keyof typeof handlers;
