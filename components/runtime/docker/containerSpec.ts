// What the Docker runtime asks the engine for, as pure functions of the spec and the node: the node's
// container, its volume, the one-off containers that read and format its storage, a tool's exec; and
// how it reads the nodes' addresses from the engine's list of containers.
import type Docker from "dockerode";
import { containerName, nodeHostName } from "../../model/topology";
import type { NodeAddress, NodeRef, NodeRun } from "../runtime";
import { type DockerSpec, IMAGE_KAFKA_HOME, labLabels, NODE_LABEL } from "../spec";

export const volumeName = (node: Pick<NodeRun, "container" | "id">) => `${node.container}-data`;
const script = (tool: string) => `${IMAGE_KAFKA_HOME}/bin/${tool}.sh`;

/** Labels of a node's container and volume: a teardown removes only what carries the lab's. */
export const nodeLabels = (spec: DockerSpec, node: Pick<NodeRun, "id">) => ({ ...labLabels(spec.lab), [NODE_LABEL]: String(node.id) });

/** The mounts every container of the lab has: the same paths as on this machine, and the node's volume. */
function mounts(spec: DockerSpec, node: NodeRef): Docker.MountConfig {
  return [
    ...spec.mounts.map((m) => ({ Type: "bind" as const, Source: m.path, Target: m.path, ReadOnly: m.readOnly })),
    { Type: "volume" as const, Source: volumeName(node), Target: node.dataDir },
  ];
}

/**
 * The node's container: named after the lab and the node, reached by the others as `node-<id>` on the
 * lab's network; only EXTERNAL and metrics published, on kraftlab:host alone. Its DNS goes nowhere
 * beyond the engine's own names: a lookup of any other name fails inside the container instead of
 * reaching this machine's resolver. kraftlab stops it itself (quorum-aware), so no restart policy.
 */
export function nodeContainer(spec: DockerSpec, node: NodeRun): Docker.ContainerCreateOptions {
  const ports = node.published.map((p) => `${p}/tcp`);
  return {
    name: node.container,
    Hostname: nodeHostName(node.id),
    Image: spec.image,
    User: spec.user,
    // The official image's entrypoint generates a config from the environment: kraftlab writes its own.
    // The output goes both to `docker logs` and to the node's log file (nodes[].logFile, and the end of it in a failure).
    Entrypoint: ["bash", "-c", 'exec > >(tee -a "$1") 2>&1; shift; exec "$@"', "node", node.logFile, script("kafka-server-start")],
    Cmd: [node.configFile],
    Env: [`KAFKA_HEAP_OPTS=-Xms${node.heap} -Xmx${node.heap}`, `KAFKA_OPTS=${node.jvmOptions}`, `LOG_DIR=${node.logFile.replace(/\/[^/]+$/, "")}`],
    WorkingDir: node.dir,
    Labels: nodeLabels(spec, node),
    ExposedPorts: Object.fromEntries(ports.map((p) => [p, {}])),
    HostConfig: {
      Mounts: mounts(spec, node),
      PortBindings: Object.fromEntries(ports.map((p) => [p, [{ HostIp: spec.publishHost, HostPort: p.replace("/tcp", "") }]])),
      NetworkMode: spec.network,
      Dns: ["127.0.0.1"],
      RestartPolicy: { Name: "no" },
      LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "2" } },
    },
    NetworkingConfig: { EndpointsConfig: { [spec.network]: nodeEndpoint(node) } },
  };
}

/**
 * A one-off container on the node's volume, as root (a new volume is root's): prints the
 * meta.properties of formatted storage; with `format`, formats unformatted storage first (with its
 * flags, and hands it to the nodes' user), never formatted storage. The caller checks what it prints
 * (metaMismatch).
 */
export function storageContainer(spec: DockerSpec, node: NodeRef, format?: { clusterId: string; flags: string[] }): Docker.ContainerCreateOptions {
  // Values as positional arguments ($1…), never spliced into the script.
  const formatting = format
    ? `else "${script("kafka-storage")}" format --config "$2" --cluster-id "$3" "\${@:5}" >&2 && chown -R "$4" "$1" && cat "$1/meta.properties"; `
    : "";
  return {
    Image: spec.image,
    User: "0:0",
    Entrypoint: [
      "bash",
      "-c",
      `if [ -f "$1/meta.properties" ]; then echo formatted; cat "$1/meta.properties"; ${formatting}fi`,
      "storage",
      node.dataDir,
      node.configFile,
      format?.clusterId ?? "",
      spec.user,
      ...(format?.flags ?? []),
    ],
    Env: ["KAFKA_HEAP_OPTS=-Xmx128m"],
    Labels: nodeLabels(spec, node),
    HostConfig: { Mounts: mounts(spec, node), NetworkMode: "none" },
  };
}

/** A Kafka tool run inside a node's container, with a tool's heap and without the node's JVM options (its exporter port is taken). */
export function toolExec(spec: DockerSpec, name: string, args: string[]): Docker.ExecCreateOptions {
  return {
    Cmd: [script(name), ...args],
    Env: ["KAFKA_HEAP_OPTS=-Xmx256m", "KAFKA_OPTS="],
    User: spec.user,
    AttachStdout: true,
    AttachStderr: true,
  };
}

/** The voters' containers, to tell whether a majority of the quorum still runs. */
export const voterContainers = (spec: DockerSpec, voters: { id: number }[]) => voters.map((v) => containerName(spec.lab, v.id));

/** The node's endpoint on the lab network: the names the other nodes and the listeners use for it. */
export function nodeEndpoint(node: Pick<NodeRun, "id" | "container">): { Aliases: string[] } {
  return { Aliases: [nodeHostName(node.id), node.container ?? ""] };
}

/** The host name and address on the lab's network of each listed container that runs a node and has one there. */
export function containerAddresses(
  containers: { Labels: Record<string, string>; NetworkSettings: { Networks: Record<string, { IPAddress?: string } | undefined> } }[],
  network: string,
): NodeAddress[] {
  return containers.flatMap((c) => {
    const address = c.NetworkSettings.Networks[network]?.IPAddress;
    const id = c.Labels[NODE_LABEL];
    return address && id ? [{ name: nodeHostName(Number(id)), address }] : [];
  });
}
