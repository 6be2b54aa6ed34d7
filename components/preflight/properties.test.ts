import { describe, expect, it } from "vitest";
import { labConfig } from "../testing";
import { propertyProblem } from "./properties";

describe("propertyProblem", () => {
  const cfg = labConfig({ 1: "broker,controller", 2: "broker" }, { properties: { "log.retention.hours": "abc" } });
  cfg.nodes[1].properties = { "num.io.threads": "many" };

  it("names the key that set the value Kafka refuses, the lab's or the node's own", () => {
    const kafka = (name: string, value: string) =>
      `kafka-storage format failed: Exception in thread "main" org.apache.kafka.common.config.ConfigException: Invalid value ${value} for configuration ${name}: Not a number of type INT\n\tat org.apache…`;
    expect(propertyProblem(cfg, 0, kafka("log.retention.hours", "abc"))).toBe(
      "kraftlab:properties.log.retention.hours: Kafka refuses abc: Not a number of type INT; fix the value",
    );
    expect(propertyProblem(cfg, 1, kafka("num.io.threads", "many"))).toBe(
      "kraftlab:nodes[1].properties.num.io.threads: Kafka refuses many: Not a number of type INT; fix the value",
    );
  });

  it("passes on another complaint with the node it is about", () => {
    expect(propertyProblem(cfg, 1, 'kafka-storage format failed: Exception in thread "main" java.lang.IllegalArgumentException: bad\n\tat x')).toBe(
      'kraftlab:properties: Kafka refuses node 2\'s extra properties: kafka-storage format failed: Exception in thread "main" java.lang.IllegalArgumentException: bad; fix them',
    );
  });
});
