/**
 * Adoption rules: what an organization already has (existing VPCs and databases) must be
 * described consistently.
 */
import { cidrRange, cidrsOverlap } from "../../../policy-pack/lib/cidr";
import { Path, keyPath } from "../keyPath";
import { BACKUP_RETENTION_DAYS_DEFAULT, EXTENDED_SUPPORT_DEFAULT } from "../defaults";
import { accountsOf } from "../view";
import type { Rule } from "./rule";

/**
 * An existing VPC's subnets: one per availability zone, in order, inside the VPC's CIDR
 * (AWS places a subnet only inside its VPC's blocks), and disjoint.
 */
export const existingVpcSubnets: Rule = {
  name: "existing-vpc-subnets",
  check(env, report) {
    for (const account of accountsOf(env)) {
      if (account.existingVpc === undefined) continue;
      const { subnets } = account.existingVpc;
      const zones = account.availabilityZones;
      const at: Path = [...account.path, "existingVpc", "subnets"];
      if (subnets.length > 0 && zones.length > 0 && subnets.length !== zones.length) {
        report({
          path: at,
          input: subnets.length,
          message: `lists ${subnets.length} subnets for ${zones.length} availability zones; give one subnet per zone, in the order of ${keyPath([...account.path, "availabilityZones"])}`,
        });
      }
      const vpc = account.vpcCidr === undefined ? undefined : cidrRange(account.vpcCidr);
      const seen: string[] = [];
      subnets.forEach(({ cidr }, i) => {
        const range = cidr === undefined ? undefined : cidrRange(cidr);
        if (cidr === undefined || range === undefined) return;
        if (vpc && (range.start < vpc.start || range.end > vpc.end)) {
          report({
            path: [...at, i, "cidr"],
            input: cidr,
            message: `is outside ${keyPath([...account.path, "vpcCidr"])} (${account.vpcCidr}); a subnet lies inside its VPC's CIDR`,
          });
        }
        const clash = seen.find((other) => cidrsOverlap(other, cidr));
        if (clash) {
          report({
            path: [...at, i, "cidr"],
            input: cidr,
            message: `overlaps another subnet of the VPC (${clash}); subnets of one VPC are disjoint`,
          });
        }
        seen.push(cidr);
      });
    }
  },
};

/**
 * An existing database lives in a VPC that exists: the workload must name that VPC
 * (`existingVpc`), or central would peer with a new, empty VPC and the rotation function
 * could never reach the database.
 */
export const existingDatabaseInExistingVpc: Rule = {
  name: "existing-database-in-existing-vpc",
  check(env, report) {
    for (const workload of env.workloads) {
      const existing = workload.databases.find((d) => d.existing);
      if (!existing || workload.existingVpc !== undefined) continue;
      report({
        path: [...workload.path, "existingVpc"],
        input: undefined,
        message: `is required with ${keyPath([...existing.path, "existing"])}: name the VPC the database runs in (vpcId, privateRouteTableIds, subnets), so that central peers with it and rotation can reach the database`,
      });
    }
  },
};

/**
 * An existing VPC names each of its route tables and subnets once: central would add the
 * same route to a table twice (AWS refuses it: RouteAlreadyExists), and a subnet listed twice
 * stands for two availability zones (an endpoint takes one subnet per zone: DuplicateSubnetsInSameZone).
 */
export const existingVpcIdsUnique: Rule = {
  name: "existing-vpc-ids-unique",
  check(env, report) {
    for (const account of accountsOf(env)) {
      if (account.existingVpc === undefined) continue;
      const at: Path = [...account.path, "existingVpc"];
      const repeats = (
        ids: readonly (string | undefined)[],
        pathOf: (i: number) => Path,
        what: string,
      ) => {
        const first = new Map<string, number>();
        ids.forEach((id, i) => {
          if (id === undefined) return;
          const earlier = first.get(id);
          if (earlier === undefined) {
            first.set(id, i);
            return;
          }
          report({
            path: pathOf(i),
            input: id,
            message: `repeats ${keyPath(pathOf(earlier))}; ${what}`,
          });
        });
      };
      repeats(
        account.existingVpc.privateRouteTableIds,
        (i) => [...at, "privateRouteTableIds", i],
        "list each route table once (AWS refuses a second route to the same peer in one table)",
      );
      repeats(
        account.existingVpc.subnets.map((s) => s.id),
        (i) => [...at, "subnets", i, "id"],
        "each availability zone has its own subnet, listed once",
      );
    }
  },
};

/**
 * Each account brings its own VPC: central would peer a VPC with itself, or request two
 * peerings of one pair of VPCs (AWS refuses both), and two stacks would each manage its routes.
 */
export const existingVpcsDistinct: Rule = {
  name: "existing-vpcs-distinct",
  check(env, report) {
    const owners = new Map<string, Path>();
    for (const account of accountsOf(env)) {
      const vpcId = account.existingVpc?.vpcId;
      if (vpcId === undefined) continue;
      const at: Path = [...account.path, "existingVpc", "vpcId"];
      const other = owners.get(vpcId);
      if (other === undefined) {
        owners.set(vpcId, at);
        continue;
      }
      report({
        path: at,
        input: vpcId,
        message: `is also ${keyPath(other)}; each account (central and every workload) has a VPC of its own: central peers with each one, and AWS refuses a peering of a VPC with itself or a second peering of the same two VPCs`,
      });
    }
  },
};

/** Settings that only shape a database this program creates: an adopted one keeps its own. */
export const CREATED_DATABASE_SETTINGS = [
  "engineVersion",
  "instanceClass",
  "instances",
  "allocatedStorage",
  "multiAz",
  "backupRetentionDays",
  "extendedSupport",
] as const;

/**
 * The settings the schema gives a default: the rules see the parsed file, in which the
 * default cannot be told from the same value written, and changes nothing.
 */
const DEFAULTED: Partial<Record<(typeof CREATED_DATABASE_SETTINGS)[number], unknown>> = {
  backupRetentionDays: BACKUP_RETENTION_DAYS_DEFAULT,
  extendedSupport: EXTENDED_SUPPORT_DEFAULT,
};

/**
 * An existing database is only pointed at: a setting of a created database given with it
 * would be silently ignored, so the file would say what the database is not.
 */
export const existingDatabaseSettings: Rule = {
  name: "existing-database-settings",
  check(env, report) {
    for (const database of env.workloads.flatMap((w) => w.databases)) {
      if (!database.existing) continue;
      for (const key of CREATED_DATABASE_SETTINGS) {
        const value = database.given[key];
        if (value === undefined || (key in DEFAULTED && value === DEFAULTED[key])) continue;
        report({
          path: [...database.path, key],
          input: database.given[key],
          message: `does not apply with ${keyPath([...database.path, "existing"])}: the adopted database keeps its own settings (change them in RDS); remove it. Only a created database takes ${CREATED_DATABASE_SETTINGS.join(", ")}`,
        });
      }
    }
  },
};

/** `scheme://user@host:port/path?query`, each part optional: what a host written as a URL holds. */
const URL_PARTS =
  /^(?:([a-z][a-z0-9+.-]*):\/\/)?(?:([^@/?#]*)@)?([^:/?#@]*)(?::([^/?#]*))?([/?#].*)?$/i;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const HOST_EXAMPLE = "orders.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com";

/**
 * Why `host` is not a host name the rotation function can connect to, if it is not: it goes
 * into the secret's `host` as it is (the AWS functions pass it to the driver as a host).
 */
export function hostNameProblem(host: string): string | undefined {
  const parts = URL_PARTS.exec(host.trim());
  if (parts && (parts[1] || parts[2] !== undefined || parts[4] !== undefined || parts[5])) {
    const [, scheme, user, name, port, rest] = parts;
    const drop = [
      scheme && `the scheme ${scheme}://`,
      user !== undefined && "the user name",
      port !== undefined &&
        `the port (give it as existing.port${/^\d+$/.test(port) ? `: ${port}` : ""})`,
      rest && `the path ${rest.length > 20 ? `${rest.slice(0, 20)}…` : rest}`,
    ].filter(Boolean);
    return `must be the database's host name alone, not a URL: drop ${drop.join(", ")}${name ? `; did you mean ${name}?` : ""}`;
  }
  if (host.length > 253 || !host.split(".").every((label) => HOST_LABEL.test(label)))
    return `must be a DNS host name: labels of letters, digits and hyphens separated by dots, at most 253 characters, such as ${HOST_EXAMPLE}`;
  return undefined;
}

/** An existing database's host is a host name (the endpoint RDS shows), not a URL or a connection string. */
export const existingDatabaseHost: Rule = {
  name: "existing-database-host",
  check(env, report) {
    for (const database of env.workloads.flatMap((w) => w.databases)) {
      const existing = database.given.existing;
      if (typeof existing !== "object" || existing === null) continue;
      const host = (existing as Record<string, unknown>).host;
      // An empty or missing host is the schema's to report.
      if (typeof host !== "string" || host === "") continue;
      const problem = hostNameProblem(host);
      if (problem)
        report({ path: [...database.path, "existing", "host"], input: host, message: problem });
    }
  },
};
