// What the Docker runtime checks before anything is touched: the image (never pulled) and what a lab
// of the same stack name left on the engine.
import * as fs from "node:fs";
import type Docker from "dockerode";
import type { LabCheck } from "../runtime";
import type { DockerSpec } from "../spec";
import { hasImage } from "./image";

/** kraftlab's image can be built (or is there), or the user's image is on the engine: no registry is ever asked. */
export async function imageProblems(docker: Docker, lab: LabCheck): Promise<string[]> {
  const d = lab.setup.docker;
  if (!d || (await hasImage(docker, d.image))) return [];
  if (!d.build) {
    return [
      `kraftlab:runtime.image: ${d.image} is not on the engine ${d.dockerHost} and no registry is used; load it there (docker load), or leave runtime.image unset for kraftlab's own`,
    ];
  }
  if (!fs.existsSync(d.build.rootfs)) {
    return [
      `kraftlab:runtime: kraftlab's image needs the JRE root filesystem ${d.build.rootfs}; run \`npm run up\` (a Docker lab prepares it the first time) or \`bash setup/docker/prepare.sh\`, as root (it builds it with debootstrap)`,
    ];
  }
  return [];
}

/**
 * A new lab whose containers or volumes are already on the engine: a lab of the same stack name whose
 * directory went without `destroy`. Its volumes hold data: refused, with nothing removed, rather than
 * taken over.
 */
export async function leftoverProblems(docker: Docker, spec: DockerSpec, lab: LabCheck): Promise<string[]> {
  if (!lab.isNew) return [];
  const filters = { label: [`org.kraftlab.lab=${spec.lab}`] };
  const left = [
    ...(await docker.listContainers({ all: true, filters })).map((c) => `container ${c.Names[0]?.replace(/^\//, "")}`).sort(),
    ...((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => `volume ${v.Name}`).sort(),
  ];
  if (left.length === 0) return [];
  return [
    `kraftlab:runtime: the engine ${spec.dockerHost} holds ${left.join(", ")} of a lab of stack ${spec.lab} whose lab directory ${lab.labDir} is gone; ` +
      `kraftlab does not take them over: run \`npm run down\` if this stack made them, else remove them (docker -H ${spec.dockerHost} rm -f, volume rm) or use another stack name`,
  ];
}
