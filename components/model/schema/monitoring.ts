// The `kraftlab:monitoring` config key, in model/config.ts's style: present (even `{}`), every node runs the
// JMX exporter agent and the stack runs Prometheus, and Grafana when a Grafana binary is found.
import { z } from "zod";

const port = z.number().int().min(1).max(65535);

/** `kraftlab:monitoring`: `{}` for every default, e.g. `{ prometheusPort: 19090 }`; absent (the default), no monitoring. */
export const monitoringSchema = z
  .strictObject({
    /** Prometheus listens on kraftlab:host at this port; default 9090. */
    prometheusPort: port.default(9090),
    /** Grafana listens on kraftlab:host at this port, when it runs; default 3000. */
    grafanaPort: port.default(3000),
    /** How often, in seconds (1 to 60), Prometheus scrapes every node's exporter and evaluates its rules; default 5. */
    scrapeIntervalSeconds: z.number().int().min(1).max(60).default(5),
    /** How long Prometheus keeps samples, e.g. `12h` or `2d`; default `1d`: a lab needs hours, not weeks. */
    retention: z
      .string()
      .regex(/^[0-9]+[mhdw]$/, "expected a duration such as 12h or 2d")
      .default("1d"),
    /** How long, in seconds, a broken condition lasts before its alert fires; default 30. */
    alertForSeconds: z.number().int().min(0).default(30),
    /** A Prometheus binary (relative to the project); default the one `npm run setup` unpacks, else `prometheus` on PATH. */
    prometheus: z.string().min(1).optional(),
    /** A Grafana server binary (`grafana` or `grafana-server`, relative to the project); default one on PATH. Without one, only the provisioning is written. */
    grafana: z.string().min(1).optional(),
    /** The JMX exporter agent jar (`jmx_prometheus_javaagent-<version>.jar`, relative to the project); default the one `npm run setup` fetches. */
    exporterJar: z.string().min(1).optional(),
  })
  .optional();

export type MonitoringConfig = NonNullable<z.infer<typeof monitoringSchema>>;
