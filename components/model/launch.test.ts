import { describe, expect, it } from "vitest";
import { COMBINED_3, labConfig } from "../testing";
import { launchHash, MASKED, nodeLaunch, shownProperties, withoutBootstrap } from "./launch";
import { planMonitoring } from "./monitoringPlan";
import type { MonitoringConfig } from "./schema/monitoring";
import { planCluster } from "./topology";

describe("nodeLaunch", () => {
  const plan = planCluster(labConfig(COMBINED_3, { monitoring: {} }), "/l", "dev");
  const exporter = { jar: "/c/agent.jar", plan: planMonitoring(plan, plan.monitoring as MonitoringConfig) };
  const node = plan.nodes[1];

  it("hashes the file, the heap and the JVM options together", () => {
    const launch = nodeLaunch(plan, node, { lab: "dev", heap: "512m", kafkaVersion: "4.3.1", exporter });
    expect(launch.run.jvmOptions).toBe("-javaagent:/c/agent.jar=127.0.0.1:9195:/l/monitoring/jmx-exporter.yml");
    expect(launch.run.configHash).toBe(launchHash(withoutBootstrap(launch.serverProperties), "512m", `${launch.run.jvmOptions}\u00004.3.1`));
    expect(launch.run.version).toBe("4.3.1");
    // Another release rolls the node onto it.
    expect(nodeLaunch(plan, node, { lab: "dev", heap: "512m", kafkaVersion: "4.4.0", exporter }).run.configHash).not.toBe(launch.run.configHash);
    expect(nodeLaunch(plan, node, { lab: "dev", heap: "1g", kafkaVersion: "4.3.1", exporter }).run.configHash).not.toBe(launch.run.configHash);
    expect(nodeLaunch(plan, node, { lab: "dev", heap: "512m", kafkaVersion: "4.3.1" }).run.configHash).not.toBe(launch.run.configHash);
  });

  it("restarts no node when only the quorum's bootstrap servers change (a controller joined or left)", () => {
    const grown = planCluster(labConfig({ ...COMBINED_3, 4: "controller" }, { monitoring: {} }), "/l", "dev");
    const before = nodeLaunch(plan, node, { lab: "dev", heap: "512m", kafkaVersion: "4.3.1", exporter });
    const after = nodeLaunch(grown, grown.nodes[1], { lab: "dev", heap: "512m", kafkaVersion: "4.3.1", exporter });
    expect(after.serverProperties).not.toBe(before.serverProperties);
    expect(after.run.configHash).toBe(before.run.configHash);
  });

  it("publishes EXTERNAL and metrics, and rolls a container onto a new image", () => {
    const dockerPlan = planCluster(labConfig(COMBINED_3, { monitoring: {}, runtime: { kind: "docker" } }), "/l", "dev");
    const opts = {
      lab: "dev",
      heap: "512m",
      kafkaVersion: "4.3.1",
      exporter: { jar: "/c/agent.jar", plan: planMonitoring(dockerPlan, dockerPlan.monitoring as MonitoringConfig) },
    };
    const a = nodeLaunch(dockerPlan, dockerPlan.nodes[1], { ...opts, image: "kraftlab/kafka:aaaaaaaaaaaa" });
    const b = nodeLaunch(dockerPlan, dockerPlan.nodes[1], { ...opts, image: "kraftlab/kafka:bbbbbbbbbbbb" });
    expect(a.run).toMatchObject({ container: "kraftlab-dev-node-2", published: [9192, 9195] });
    // The agent serves on every address of the container: the engine publishes it on 127.0.0.1.
    expect(a.run.jvmOptions).toBe("-javaagent:/c/agent.jar=0.0.0.0:9195:/l/monitoring/jmx-exporter.yml");
    expect(a.serverProperties).toBe(b.serverProperties);
    expect(a.run.configHash).not.toBe(b.run.configHash);
  });
});

describe("shownProperties", () => {
  it("lists every key in clear, the values holding a password masked", () => {
    const password = "b=o:b#!s p@ss";
    const file = [
      "# kraftlab: dev",
      "node.id=1",
      "log.retention.hours=48",
      `listener.name.external.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_bob\\="${password.replace(/[=:#! ]/g, (c) => `\\${c}`)}";`,
      "ssl.keystore.password=Zm9vYmFy",
      "ssl.keystore.location=/l/certs/node-1.p12",
    ].join("\n");
    const shown = shownProperties(file, [password]);
    expect(shown).toEqual({
      "node.id": "1",
      "log.retention.hours": "48",
      "listener.name.external.plain.sasl.jaas.config": MASKED,
      "ssl.keystore.password": MASKED,
      "ssl.keystore.location": "/l/certs/node-1.p12",
    });
    expect(JSON.stringify(shown)).not.toContain("p@ss");
  });
});
