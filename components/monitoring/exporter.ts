// The JMX exporter agent's rules (templates/), which name every metric the dashboards and alerts
// query; the JVM option that loads the agent is part of a node's launch (model/monitoringPlan.ts).
import { templateText } from "../host/templates";

/** The agent's rules file, as every node's agent reads it (it reloads the file when it changes). */
export const exporterRules = () => templateText("jmx-exporter.yml");
