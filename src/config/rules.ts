/**
 * The environment-wide config rules: checks that span more than one field (CIDR overlaps,
 * unique ids and names, names AWS limits, subnets that fit their VPC). Field rules live on
 * the fields in `schema.ts`.
 *
 * Each rule has a name and reports issues with the key path, the offending input and advice.
 * The rules run even when some fields already failed their own checks, so that one error
 * lists every problem; they read a tolerant view of the environment in which such fields are
 * missing.
 */
import {
  cidrRange,
  defaultSubnetPrefix,
  isIpv4Cidr,
  subnetsFit,
  VPC_PREFIX_MAX,
} from "../../policy-pack/lib/cidr";
import { RDS_INSTANCE_IDENTIFIER } from "../../components/engines";
import { ROLE_NAME_MAX, applicationRoleName, databaseIdentifier } from "../names";
import { ADOPTION_RULES } from "./adoptionRules";
import { Path, keyPath } from "./keyPath";

/** One problem: where (key path under `secrets-hub:`), what was given, and what to do. */
export interface Issue {
  readonly path: Path;
  readonly input: unknown;
  readonly message: string;
}

export type Report = (issue: Issue) => void;

/** A named environment-wide rule. */
export interface Rule {
  /** Kebab-case name, stable across releases. */
  readonly name: string;
  check(env: EnvironmentView, report: Report): void;
}

/** An account as the rules see it: a field of the wrong type is missing. */
export interface AccountView {
  /** Key path of the account: `["central"]` or `["workloads", i]`. */
  readonly path: Path;
  readonly accountId?: string;
  readonly region?: string;
  /** Present only when it is a valid VPC CIDR (see `isIpv4Cidr`). */
  readonly vpcCidr?: string;
  /** The zones as listed; an entry that is not a string is `undefined`, so indexes hold. */
  readonly availabilityZones: readonly (string | undefined)[];
  readonly subnetPrefixLength?: number;
}

export interface WorkloadView extends AccountView {
  readonly name?: string;
  readonly database: {
    readonly secretName?: string;
    readonly dbName?: string;
    /** True when the workload points at an existing database (none is created). */
    readonly existing: boolean;
  };
}

/** The environment as the rules see it: tolerant of any input, typed as far as it goes. */
export interface EnvironmentView {
  readonly environment?: string;
  readonly replicaRegion?: string;
  readonly central: AccountView;
  readonly workloads: readonly WorkloadView[];
}

/** Reads any value (valid or not) as an `EnvironmentView`. */
export function environmentView(value: unknown): EnvironmentView {
  const env = asRecord(value);
  return {
    environment: asString(env.environment),
    replicaRegion: asString(env.replicaRegion),
    central: accountView(env.central, ["central"]),
    workloads: Array.isArray(env.workloads)
      ? env.workloads.map((w: unknown, i) => {
          const workload = asRecord(w);
          const database = asRecord(workload.database);
          return {
            ...accountView(workload, ["workloads", i]),
            name: asString(workload.name),
            database: {
              secretName: asString(database.secretName),
              dbName: asString(database.dbName),
              existing: database.existing !== undefined,
            },
          };
        })
      : [],
  };
}

/** Central first, then the workloads in file order. */
function accountsOf(env: EnvironmentView): readonly AccountView[] {
  return [env.central, ...env.workloads];
}

export const replicaRegionDiffers: Rule = {
  name: "replica-region-differs",
  check(env, report) {
    if (env.replicaRegion !== undefined && env.replicaRegion === env.central.region) {
      report({
        path: ["replicaRegion"],
        input: env.replicaRegion,
        message: `must differ from the central region (${keyPath(["central", "region"])} is ${env.central.region})`,
      });
    }
  },
};

/**
 * Peered VPCs need disjoint CIDRs. Each block is read once into an address range; sorted by
 * start (larger first on a tie), the blocks still open at a block's start are exactly those
 * it overlaps, because two CIDR blocks are either disjoint or nested: O(n log n) plus one
 * step per overlapping pair. Each pair is reported on the later-listed block, naming the
 * earlier one, in file order.
 */
export const vpcCidrsDisjoint: Rule = {
  name: "vpc-cidrs-disjoint",
  check(env, report) {
    const blocks = accountsOf(env).flatMap((account, order) => {
      const range = account.vpcCidr === undefined ? undefined : cidrRange(account.vpcCidr);
      return range === undefined ? [] : [{ account, order, ...range }];
    });
    blocks.sort((a, b) => a.start - b.start || b.end - a.end);
    const open: typeof blocks = [];
    const pairs: [earlier: (typeof blocks)[number], later: (typeof blocks)[number]][] = [];
    for (const block of blocks) {
      // The open blocks nest, innermost on top: close those that end before this one starts.
      while (open.length > 0 && open[open.length - 1].end < block.start) open.pop();
      for (const other of open)
        pairs.push(other.order < block.order ? [other, block] : [block, other]);
      open.push(block);
    }
    pairs.sort(([a, b], [c, d]) => a.order - c.order || b.order - d.order);
    for (const [earlier, later] of pairs) {
      report({
        path: [...later.account.path, "vpcCidr"],
        input: later.account.vpcCidr,
        message: `overlaps ${keyPath([...earlier.account.path, "vpcCidr"])} (${earlier.account.vpcCidr}); peered VPCs need disjoint CIDRs`,
      });
    }
  },
};

export const accountIdsUnique: Rule = {
  name: "account-ids-unique",
  check(env, report) {
    reportRepeats(
      accountsOf(env).map((a) => ({ path: [...a.path, "accountId"], value: a.accountId })),
      report,
    );
  },
};

export const workloadNamesUnique: Rule = {
  name: "workload-names-unique",
  check(env, report) {
    reportRepeats(
      env.workloads.map((w) => ({ path: [...w.path, "name"], value: w.name })),
      report,
    );
  },
};

export const secretNamesUnique: Rule = {
  name: "secret-names-unique",
  check(env, report) {
    reportRepeats(
      env.workloads.map((w) => ({
        path: [...w.path, "database", "secretName"],
        value: w.database.secretName,
      })),
      report,
    );
  },
};

export const zonesInRegion: Rule = {
  name: "zones-in-region",
  check(env, report) {
    for (const account of accountsOf(env)) {
      const region = account.region;
      if (region === undefined) continue;
      account.availabilityZones.forEach((zone, i) => {
        if (zone !== undefined && !zone.startsWith(region)) {
          report({
            path: [...account.path, "availabilityZones", i],
            input: zone,
            message: `must be a zone of ${region}`,
          });
        }
      });
    }
  },
};

export const zonesDistinct: Rule = {
  name: "zones-distinct",
  check(env, report) {
    for (const account of accountsOf(env)) {
      const zones = account.availabilityZones.filter((z) => z !== undefined);
      if (new Set(zones).size !== zones.length) {
        report({
          path: [...account.path, "availabilityZones"],
          input: account.availabilityZones,
          message: "must not repeat a zone",
        });
      }
    }
  },
};

/** One private subnet per zone must fit in the VPC, at the configured or default size. */
export const subnetsFitVpc: Rule = {
  name: "subnets-fit-vpc",
  check(env, report) {
    for (const account of accountsOf(env)) {
      const cidr = account.vpcCidr;
      if (cidr === undefined) continue;
      const zones = account.availabilityZones.length;
      const prefix = account.subnetPrefixLength ?? defaultSubnetPrefix(cidr);
      if (subnetsFit(cidr, prefix, zones)) continue;
      const largest = cidrRange(cidr)!.prefix + Math.ceil(Math.log2(Math.max(zones, 2)));
      report({
        path: [...account.path, "subnetPrefixLength"],
        input: prefix,
        message:
          largest <= VPC_PREFIX_MAX
            ? `/${prefix} subnets do not fit ${zones} zones in ${cidr}; allowed: /${largest} to /${VPC_PREFIX_MAX}`
            : `no subnet size fits ${zones} zones in ${cidr} (subnets are /${VPC_PREFIX_MAX} at the smallest); use a larger VPC CIDR or fewer zones`,
      });
    }
  },
};

/** The application role's name, derived from the environment and workload names, fits IAM. */
export const roleNameFits: Rule = {
  name: "role-name-fits",
  check(env, report) {
    const environment = env.environment;
    if (environment === undefined) return;
    for (const workload of env.workloads) {
      if (workload.name === undefined) continue;
      const role = applicationRoleName(environment, workload.name);
      if (role.length > ROLE_NAME_MAX) {
        report({
          path: [...workload.path, "name"],
          input: workload.name,
          message: `makes the role name ${role} longer than ${ROLE_NAME_MAX} characters; shorten the workload or environment name`,
        });
      }
    }
  },
};

/** The RDS identifier of a database the program creates, derived from three names, is valid. */
export const rdsIdentifierValid: Rule = {
  name: "rds-identifier-valid",
  check(env, report) {
    const environment = env.environment;
    if (environment === undefined) return;
    for (const workload of env.workloads) {
      const { dbName, existing } = workload.database;
      if (workload.name === undefined || dbName === undefined || existing) continue;
      const id = databaseIdentifier(environment, workload.name, dbName);
      if (!RDS_INSTANCE_IDENTIFIER.test(id)) {
        report({
          path: [...workload.path, "database", "dbName"],
          input: dbName,
          message: `makes the RDS identifier ${id} invalid (at most 63 letters, digits and single hyphens, ending in a letter or digit); shorten it or the workload name`,
        });
      }
    }
  },
};

/** Every environment-wide rule, in the order their issues are listed. */
export const RULES: readonly Rule[] = [
  replicaRegionDiffers,
  vpcCidrsDisjoint,
  accountIdsUnique,
  workloadNamesUnique,
  zonesInRegion,
  zonesDistinct,
  subnetsFitVpc,
  roleNameFits,
  rdsIdentifierValid,
  secretNamesUnique,
];

/** Runs every rule on `value` (the environment, valid or not). */
export function checkEnvironment(value: unknown, report: Report): void {
  const env = environmentView(value);
  for (const rule of RULES) rule.check(env, report);
  const raw = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  for (const rule of ADOPTION_RULES) rule.check(raw, report);
}

/** Reports each value that an earlier item already has, naming that item's key path. */
function reportRepeats(
  items: readonly { path: Path; value: string | undefined }[],
  report: Report,
): void {
  const seen = new Map<string, Path>();
  for (const { path, value } of items) {
    if (value === undefined) continue;
    const first = seen.get(value);
    if (first === undefined) seen.set(value, path);
    else report({ path, input: value, message: `repeats ${keyPath(first)}; each must be unique` });
  }
}

function accountView(value: unknown, path: Path): AccountView {
  const account = asRecord(value);
  const vpcCidr = asString(account.vpcCidr);
  return {
    path,
    accountId: asString(account.accountId),
    region: asString(account.region),
    vpcCidr: vpcCidr !== undefined && isIpv4Cidr(vpcCidr) ? vpcCidr : undefined,
    availabilityZones: Array.isArray(account.availabilityZones)
      ? account.availabilityZones.map(asString)
      : [],
    subnetPrefixLength:
      typeof account.subnetPrefixLength === "number" ? account.subnetPrefixLength : undefined,
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
