import { describe, expect, it } from "vitest";
import type { NodeRun } from "../runtime";
import type { DockerSpec } from "../spec";
import { containerAddresses, nodeContainer, storageContainer, toolExec } from "./containerSpec";

const spec: DockerSpec = {
  kind: "docker",
  dockerHost: "unix:///run/d.sock",
  image: "kraftlab/kafka:0123456789ab",
  network: "kraftlab-dev",
  subnet: "172.30.7.0/24",
  lab: "dev",
  publishHost: "127.0.0.1",
  mounts: [
    { path: "/p/.lab/dev", readOnly: false },
    { path: "/p/certs/dev", readOnly: true },
  ],
  user: "1000:1000",
};
const node: NodeRun = {
  id: 2,
  roles: ["broker", "controller"],
  heap: "512m",
  dir: "/p/.lab/dev/node-2",
  dataDir: "/p/.lab/dev/node-2/data",
  configFile: "/p/.lab/dev/node-2/server.properties",
  logFile: "/p/.lab/dev/node-2/logs/server.log",
  pidFile: "/p/.lab/dev/node-2/kafka.pid",
  container: "kraftlab-dev-node-2",
  published: [9192, 9195],
  staticHash: "s",
  tunables: {},
  jvmOptions: "-javaagent:/c/agent.jar=0.0.0.0:9195:/p/.lab/dev/monitoring/jmx-exporter.yml",
  version: "4.3.1",
  configHash: "h",
};

describe("nodeContainer", () => {
  const c = nodeContainer(spec, node);

  it("names the container after lab and node, and makes it node-<id> on the lab's network", () => {
    expect(c).toMatchObject({ name: "kraftlab-dev-node-2", Hostname: "node-2", Image: spec.image, User: "1000:1000" });
    expect(c.HostConfig?.NetworkMode).toBe("kraftlab-dev");
    expect(c.NetworkingConfig?.EndpointsConfig?.["kraftlab-dev"].Aliases).toEqual(["node-2", "kraftlab-dev-node-2"]);
  });

  it("publishes EXTERNAL and metrics on kraftlab:host only, nothing else", () => {
    expect(c.HostConfig?.PortBindings).toEqual({
      "9192/tcp": [{ HostIp: "127.0.0.1", HostPort: "9192" }],
      "9195/tcp": [{ HostIp: "127.0.0.1", HostPort: "9195" }],
    });
    expect(Object.keys(c.ExposedPorts ?? {})).toEqual(["9192/tcp", "9195/tcp"]);
  });

  it("mounts the lab's directories at their own paths (certificates read-only) and the node's volume at its log.dirs", () => {
    expect(c.HostConfig?.Mounts).toEqual([
      { Type: "bind", Source: "/p/.lab/dev", Target: "/p/.lab/dev", ReadOnly: false },
      { Type: "bind", Source: "/p/certs/dev", Target: "/p/certs/dev", ReadOnly: true },
      { Type: "volume", Source: "kraftlab-dev-node-2-data", Target: "/p/.lab/dev/node-2/data" },
    ]);
  });

  it("starts kafka-server-start.sh on kraftlab's config with the lab's heap and agent, its output in docker logs and the node's log file", () => {
    expect(c.Entrypoint).toEqual(["bash", "-c", 'exec > >(tee -a "$1") 2>&1; shift; exec "$@"', "node", node.logFile, "/opt/kafka/bin/kafka-server-start.sh"]);
    expect(c.Cmd).toEqual(["/p/.lab/dev/node-2/server.properties"]);
    expect(c.Env).toEqual(["KAFKA_HEAP_OPTS=-Xms512m -Xmx512m", `KAFKA_OPTS=${node.jvmOptions}`, "LOG_DIR=/p/.lab/dev/node-2/logs"]);
  });

  it("resolves no name through this machine's resolver, restarts only when kraftlab says, and carries the lab's labels", () => {
    expect(c.HostConfig?.Dns).toEqual(["127.0.0.1"]);
    expect(c.HostConfig?.RestartPolicy).toEqual({ Name: "no" });
    expect(c.Labels).toEqual({ "org.kraftlab.lab": "dev", "org.kraftlab.node": "2" });
  });
});

describe("storageContainer", () => {
  it("prints formatted storage's meta.properties, without a network, paths as arguments rather than in the script", () => {
    const c = storageContainer(spec, node);
    expect(c.HostConfig?.NetworkMode).toBe("none");
    expect(c.Entrypoint?.slice(0, 2)).toEqual(["bash", "-c"]);
    expect(c.Entrypoint?.[2]).toBe('if [ -f "$1/meta.properties" ]; then echo formatted; cat "$1/meta.properties"; fi');
    expect(c.Entrypoint?.slice(4)).toEqual(["/p/.lab/dev/node-2/data", "/p/.lab/dev/node-2/server.properties", "", "1000:1000"]);
  });

  it("formats only storage that is not formatted, with the cluster id and the quorum flags, and hands it to the nodes' user", () => {
    const c = storageContainer(spec, node, { clusterId: "AbCdEf", flags: ["--initial-controllers", "2@node-2:9094:XyZ"] });
    expect(c.Entrypoint?.[2]).toBe(
      'if [ -f "$1/meta.properties" ]; then echo formatted; cat "$1/meta.properties"; ' +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own ${@:5}, the flags
        'else "/opt/kafka/bin/kafka-storage.sh" format --config "$2" --cluster-id "$3" "${@:5}" >&2 && chown -R "$4" "$1" && cat "$1/meta.properties"; fi',
    );
    expect(c.Entrypoint?.slice(6)).toEqual(["AbCdEf", "1000:1000", "--initial-controllers", "2@node-2:9094:XyZ"]);
  });
});

describe("toolExec", () => {
  it("runs the tool with a tool's heap and without the node's agent, whose port the node holds", () => {
    expect(toolExec(spec, "kafka-topics", ["--list"])).toMatchObject({
      Cmd: ["/opt/kafka/bin/kafka-topics.sh", "--list"],
      Env: ["KAFKA_HEAP_OPTS=-Xmx256m", "KAFKA_OPTS="],
      User: "1000:1000",
    });
  });
});

describe("containerAddresses", () => {
  it("names each node container with an address on the lab's network after its node, nothing else", () => {
    const on = (network: string, ip: string) => ({ Networks: { [network]: { IPAddress: ip } } });
    expect(
      containerAddresses(
        [
          { Labels: { "org.kraftlab.node": "1" }, NetworkSettings: on("kraftlab-dev", "172.30.5.2") },
          { Labels: { "org.kraftlab.node": "2" }, NetworkSettings: on("kraftlab-dev", "") },
          { Labels: { "org.kraftlab.node": "3" }, NetworkSettings: on("bridge", "172.17.0.3") },
          { Labels: {}, NetworkSettings: on("kraftlab-dev", "172.30.5.9") },
        ],
        "kraftlab-dev",
      ),
    ).toEqual([{ name: "node-1", address: "172.30.5.2" }]);
  });
});
