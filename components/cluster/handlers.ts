// What the cluster's own dynamic resources do: this module runs inside Pulumi's dynamic
// provider process (loaded through the shim, provider/shim.ts), never in the program, so it imports no Pulumi runtime.
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import { stopAgentsWatching } from "../client/agent";
import { writeWithMode } from "../host/files";
import { labMoveProblem } from "../model/validate";
import { generatedOnce, type Handler, kafkaUuid, readBack, same } from "../provider/handler";
import type { NodeRef } from "../runtime/runtime";
import { runtimeFor } from "../runtime/select";
import { type RuntimeSpec, stateRuntime } from "../runtime/spec";
import { claimDirectory, inspectDirectory, mayRemove } from "../store/labStore";
import { LAB_MARKER } from "../store/layout";
import { claimProblem } from "../store/problems";

/** A node's directory and its server.properties; converging formats its storage before it first starts. */
export interface NodeFilesInputs {
  nodeId: number;
  /** Where the node runs: its storage (a directory, a volume) goes with it. */
  runtime: RuntimeSpec;
  dir: string;
  dataDir: string;
  configFile: string;
  pidFile: string;
  container?: string;
  /** Its machine, with the SSH runtime. */
  machine?: string;
  serverProperties: string;
  /** Its keys as a preview shows them (passwords masked): what the CLI's diff lists, key by key. */
  properties: Record<string, string>;
}

const nodeRef = (inputs: NodeFilesInputs): NodeRef => ({ ...inputs, id: inputs.nodeId });

/** Inputs that make a different node: changing one replaces it. */
const NODE_IDENTITY: (keyof NodeFilesInputs)[] = ["nodeId", "dir", "dataDir"];

/** Writes the node's server.properties where the node runs (its directory made with it). */
async function writeNodeFiles(inputs: NodeFilesInputs): Promise<NodeFilesInputs> {
  // 0600: with security on, server.properties holds the keystore and SASL passwords.
  await runtimeFor(inputs.runtime).put(nodeRef(inputs), inputs.configFile, Buffer.from(inputs.serverProperties, "utf8"), 0o600);
  return inputs;
}

const nodeFiles: Handler = {
  async create(inputs: NodeFilesInputs) {
    return { id: `node-${inputs.nodeId}`, outs: await writeNodeFiles(inputs) };
  },
  async diff(_id, olds: NodeFilesInputs, news: NodeFilesInputs) {
    const replaces = NODE_IDENTITY.filter((k) => !same(olds[k], news[k]));
    const changed = (Object.keys(news) as (keyof NodeFilesInputs)[]).filter((k) => k !== ("__provider" as never) && !same(olds[k], news[k]));
    // Drift: a config file edited by hand is put back by the next `up`.
    const onNode = await runtimeFor(stateRuntime(olds)).read(nodeRef(olds), olds.configFile);
    const drifted = onNode?.toString("utf8") !== news.serverProperties;
    return { changes: replaces.length > 0 || changed.length > 0 || drifted, replaces, deleteBeforeReplace: true };
  },
  async update(_id, _olds, news: NodeFilesInputs) {
    // Only the files: the node restarts, when it must, through the rolling restart (converge/roll.ts).
    return { outs: await writeNodeFiles(news) };
  },
  async delete(_id, olds: NodeFilesInputs) {
    // The reconcilers stopped the node before; one still running would lose its files.
    await runtimeFor(stateRuntime(olds)).remove(nodeRef(olds));
  },
  read: readBack,
};

const clusterId = generatedOnce(async () => {
  const value = kafkaUuid();
  return { id: value, outs: { clusterId: value } };
});

/** A file the lab writes: `content` (text, or base64 for binary files) at `path` with `mode`; removed on delete. */
export interface LabFileInputs {
  path: string;
  content: string;
  encoding: "utf8" | "base64";
  mode: number;
}

async function writeLabFile(inputs: LabFileInputs): Promise<LabFileInputs> {
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
    // An agent reading it (a client's settings) goes first: it would only see it vanish.
    await stopAgentsWatching(olds.path);
    await fsp.rm(olds.path, { force: true });
  },
  read: readBack,
};

/** A directory of the lab (labDir, certsDir): `key` is its config key, `stack` the stack that claims it. */
export interface LabDirectoryInputs {
  path: string;
  key: string;
  stack: string;
}

const labDirectory: Handler = {
  async create(inputs: LabDirectoryInputs) {
    // Not in state yet: only an absent or empty directory may become this stack's (see store/labStore.ts).
    const problem = claimProblem(inputs.key, inputs.path, inspectDirectory(inputs.path), inputs.stack, false);
    if (problem) throw new Error(problem);
    const { token } = claimDirectory(inputs.path, inputs.stack);
    return { id: inputs.path, outs: { ...inputs, token } };
  },
  async diff(_id, olds: LabDirectoryInputs, news: LabDirectoryInputs) {
    // Everything of the lab waits for this diff: refusing here stops the up (and preview) untouched.
    if (olds.path !== news.path) throw new Error(labMoveProblem(news.key, olds.path, news.path));
    return { changes: false };
  },
  async update(_id, olds, news) {
    return { outs: { ...news, token: olds.token } };
  },
  async delete(_id, olds: LabDirectoryInputs & { token?: string }) {
    if (mayRemove(olds.path, olds.token)) {
      await stopAgentsWatching(olds.path);
      await fsp.rm(olds.path, { recursive: true, force: true });
    } else if (fs.existsSync(olds.path)) {
      // Shown by the CLI as the provider's output: what was left, and why.
      console.error(`kraftlab: left ${olds.path} as it is: it does not hold this stack's marker (${LAB_MARKER}), so kraftlab did not create it`);
    }
  },
  read: readBack,
};

export const clusterHandlers = { nodeFiles, clusterId, labFile, labDirectory };
