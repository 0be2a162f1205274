/** Key paths as the user writes them in an environment file. */

/** A path into the `secrets-hub:` config: `["workloads", 1, "vpcCidr"]`. */
export type Path = readonly (string | number)[];

/** `secrets-hub:workloads[1].vpcCidr` from `["workloads", 1, "vpcCidr"]`. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = "secrets-hub:";
  path.forEach((part, i) => {
    if (typeof part === "number") out += `[${part}]`;
    else out += (i === 0 ? "" : ".") + String(part);
  });
  return out;
}
