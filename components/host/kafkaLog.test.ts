import { describe, expect, it } from "vitest";
import { fatalCause } from "./kafkaLog";

describe("fatalCause", () => {
  it("gives the last error of a node's log with the exceptions under it, without the stack frames", () => {
    const log = [
      "[2026-12-06 04:38:40,771] ERROR [BrokerServer id=1] an earlier error (kafka.server.BrokerServer)",
      "[2026-12-06 04:38:41,230] INFO Registered `kafka:type=kafka.Log4jController` MBean (kafka.utils.Log4jControllerRegistration$)",
      "[2026-12-06 04:38:41,312] ERROR Exiting Kafka due to fatal exception (kafka.Kafka$)",
      "java.lang.RuntimeException: cannot start reporters",
      "\tat kafka.metrics.KafkaMetricsReporter$.startReporters(KafkaMetricsReporter.scala:65)",
      "Caused by: java.lang.ClassNotFoundException: com.example.MissingReporter",
      "\tat java.base/java.lang.ClassLoader.loadClass(ClassLoader.java:525)",
      "\t... 12 more",
    ].join("\n");
    expect(fatalCause(log)).toBe(
      "Exiting Kafka due to fatal exception: java.lang.RuntimeException: cannot start reporters: Caused by: java.lang.ClassNotFoundException: com.example.MissingReporter",
    );
    expect(fatalCause("[2026-12-06 04:38:41,230] INFO started (kafka.Kafka$)")).toBeUndefined();
  });
});
