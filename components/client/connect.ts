// The cluster client of a process: one per connection, started on first use and shared by everything
// the process does (an `up`'s dynamic provider, the program's checks, `npm run status`). Handlers, the
// program and the status command call clientFor at their edge and hand the client in. Where the nodes
// advertise names this machine cannot resolve (containers), their runtime gives their addresses.
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { defaultKafkaHome } from "../host/tools";
import type { NodeAddress, NodeAddresses } from "../runtime/runtime";
import type { RuntimeSpec } from "../runtime/spec";
import { agentLink, stopAgent } from "./agent";
import { adminClasses } from "./build";
import type { ClusterClient } from "./cluster";
import { type Connection, protocolClient, startClient } from "./helper";

/** How a resource reaches the cluster, as plain data kept in its state. */
export interface Admin {
  /** Where the nodes run: on Docker, the names the listeners advertise are the containers'. */
  runtime: RuntimeSpec;
  /** The listeners (INTERNAL, as the nodes themselves, for the program; EXTERNAL for status). */
  bootstrapServers: string;
  /** Client settings (operator.properties); absent on an all-PLAINTEXT lab. */
  commandConfig?: string;
  /** The Kafka distribution on this machine whose libs/ the client runs on; absent in a state written by an earlier release. */
  kafkaHome?: string;
  /** For messages; INTERNAL when absent. */
  listener?: string;
  /** `bootstrapServers` are the controllers' (a drill asks them whether the quorum has a leader). */
  controllers?: boolean;
}

/** `address name` lines, one for each node. */
export const hostsFileText = (nodes: NodeAddress[]): string => nodes.map((n) => `${n.address} ${n.name}\n`).join("");

/** Rewrites the hosts file from the runtime's answer, when it changed: a node's container gets a new address each time it starts. */
function hostsFileWriter(addresses: NodeAddresses, file: string): () => Promise<void> {
  let last = "";
  return async () => {
    const text = hostsFileText(await addresses());
    if (text === last) return;
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(`${file}.tmp`, text);
    await fsp.rename(`${file}.tmp`, file);
    last = text;
  };
}

/** The nodes' addresses of a lab whose names this machine cannot resolve, as its maker handed them. */
function addressesOf(spec: RuntimeSpec, handed: NodeAddresses | undefined): NodeAddresses {
  if (!handed) throw new Error(`the cluster client of a ${spec.kind} lab needs the nodes' addresses: make it with cluster/client.ts labClient`);
  return handed;
}

/** Runs `work` at most once every `everyMs`, one run at a time: concurrent callers wait for the same run. */
export function atMostEvery(everyMs: number, work: () => Promise<void>): () => Promise<void> {
  let at = 0;
  let running: Promise<void> | undefined;
  return async () => {
    if (running) return running;
    if (Date.now() - at < everyMs) return;
    running = work().finally(() => {
      at = Date.now();
      running = undefined;
    });
    return running;
  };
}

const clients = new Map<string, ClusterClient>();
const closers: (() => Promise<void>)[] = [];

/** The distribution of a state that names none (an earlier release's): the one its process runtime named, else the setup's. */
function distribution(admin: Admin): string {
  if (admin.kafkaHome) return admin.kafkaHome;
  if (admin.runtime.kind === "process") return admin.runtime.kafkaHome;
  return defaultKafkaHome();
}

/** On Docker the listeners advertise the containers' names: a hosts file in the lab directory (the first mount), removed with it. */
const hostsFileOf = (admin: Admin) => (admin.runtime.kind === "docker" ? path.join(admin.runtime.mounts[0].path, "client-hosts") : undefined);

/** Where and as whom `admin` connects (its helper compiled now if it is not yet), with the hosts file its client resolves the nodes' names by. */
function connectionOf(admin: Admin): Connection {
  const kafkaHome = distribution(admin);
  const hostsFile = hostsFileOf(admin);
  return {
    kafkaHome,
    classes: adminClasses(kafkaHome),
    bootstrapServers: admin.bootstrapServers,
    commandConfig: admin.commandConfig,
    listener: admin.listener ?? "INTERNAL",
    controllers: admin.controllers,
    hostsFile,
  };
}

/** The lab's agent (client/agent.ts), or with KRAFTLAB_AGENT=off, or when none can start, a helper of this process alone. */
async function openClient(conn: Connection): Promise<StartedClient> {
  if (process.env.KRAFTLAB_AGENT === "off") return startClient(conn);
  try {
    return protocolClient(conn, await agentLink(conn));
  } catch (err) {
    console.error(`kraftlab: ${(err as Error).message}; this command asks through a client of its own`);
    return startClient(conn);
  }
}

type StartedClient = ReturnType<typeof startClient>;

/**
 * The client of `admin`, connected on its first call (an `up` that asks nothing reaches no JVM), and
 * again after its agent went; on Docker each call first brings the hosts file up to date from
 * `addresses` (at most once a second).
 */
function connect(admin: Admin, addresses?: NodeAddresses): ClusterClient {
  const hostsFile = hostsFileOf(admin);
  const resolve = hostsFile ? atMostEvery(1_000, hostsFileWriter(addressesOf(admin.runtime, addresses), hostsFile)) : undefined;
  let started: Promise<StartedClient> | undefined;
  const client = async () => {
    const current = started && (await started.catch(() => undefined));
    if (!current || current.ended()) {
      started = openClient(connectionOf(admin));
      const opened = await started;
      closers.push(opened.close);
      return opened;
    }
    return current;
  };
  return new Proxy({} as ClusterClient, {
    // Not a thenable: `then` stays undefined, so the client can be returned from an async function.
    get: (_target, name) =>
      name === "then"
        ? undefined
        : async (...args: unknown[]) => {
            await resolve?.();
            return ((await client())[name as keyof ClusterClient] as (...a: unknown[]) => unknown)(...args);
          },
  });
}

/** Asks the agent of `admin` to go, if one runs: the lab's nodes are gone. */
export async function stopLabAgent(admin: Admin): Promise<void> {
  await stopAgent(connectionOf(admin));
}

/**
 * This process's client for `admin`. `addresses` are its runtime's nodeAddresses, needed for a lab
 * whose node names this machine cannot resolve (Docker): cluster/client.ts labClient hands them in.
 */
export function clientFor(admin: Admin, addresses?: NodeAddresses): ClusterClient {
  const key = JSON.stringify([admin.bootstrapServers, admin.commandConfig, admin.kafkaHome, admin.runtime.kind, admin.controllers]);
  let client = clients.get(key);
  if (!client) {
    client = connect(admin, addresses);
    clients.set(key, client);
  }
  return client;
}

/** Closes every client this process started (a process that ends without it closes them too). */
export async function closeClients(): Promise<void> {
  const all = closers.splice(0);
  clients.clear();
  await Promise.all(all.map((close) => close()));
}
