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
import { QUOTAS } from "../../policy-pack/lib/quotas";
import { windowProblem } from "../../policy-pack/lib/schedule";
import {
  ENGINES,
  Engine,
  RDS_INSTANCE_IDENTIFIER,
  ROTATION_STRATEGIES,
  RotationStrategy,
} from "../../components/engines";
import { organizationIdOf, secretsKeyPolicy } from "../../components/iamDocuments";
import { ROLE_NAME_MAX, applicationRoleName, databaseIdentifier, environmentNames } from "../names";
import { partitionOf } from "../topology";
import { ADOPTION_RULES } from "./adoptionRules";
import { Path, keyPath } from "./keyPath";
import { asRecord, asString } from "./tolerant";

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
  readonly deployRoleArn?: string;
}

export interface WorkloadView extends AccountView {
  readonly name?: string;
  readonly database: {
    readonly secretName?: string;
    readonly dbName?: string;
    /** Present only when it is one of the engines. */
    readonly engine?: Engine;
    /** Present only when it is one of the strategies; absent means the default, single-user. */
    readonly rotationStrategy?: RotationStrategy;
    readonly username?: string;
    /** True when the workload points at an existing database (none is created). */
    readonly existing: boolean;
  };
}

/** The environment as the rules see it: tolerant of any input, typed as far as it goes. */
export interface EnvironmentView {
  readonly environment?: string;
  readonly replicaRegion?: string;
  /**
   * How central reaches the workload VPCs. Only `peering` exists today (the schema refuses
   * the key); the rules that hold for peering alone read it so that another mode can be added.
   * Absent means `peering`.
   */
  readonly connectivity?: string;
  /** `transitGateway.organizationArn`, in transit gateway mode. */
  readonly organizationArn?: string;
  readonly rotation?: {
    /** A day count or an expression; absent means the default, `rate(30 days)`. */
    readonly schedule?: number | string;
    /** Hours of the `<N>h` window, when it is one. */
    readonly durationHours?: number;
  };
  readonly central: AccountView;
  readonly workloads: readonly WorkloadView[];
}

/** Reads any value (valid or not) as an `EnvironmentView`. */
export function environmentView(value: unknown): EnvironmentView {
  const env = asRecord(value);
  const rotation = asRecord(env.rotation);
  const duration = /^(\d+)h$/.exec(asString(rotation.duration) ?? "");
  return {
    environment: asString(env.environment),
    replicaRegion: asString(env.replicaRegion),
    connectivity: asString(env.connectivity) ?? "peering",
    organizationArn:
      env.connectivity === "transit-gateway"
        ? asString(asRecord(env.transitGateway).organizationArn)
        : undefined,
    rotation: {
      schedule:
        typeof rotation.schedule === "number" || typeof rotation.schedule === "string"
          ? rotation.schedule
          : undefined,
      durationHours: duration ? Number(duration[1]) : undefined,
    },
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
              engine: oneOf(ENGINES, database.engine),
              rotationStrategy: oneOf(ROTATION_STRATEGIES, database.rotationStrategy),
              username: asString(database.username),
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

/**
 * RDS master user names. RDS refuses a name longer than the engine allows and names it
 * reserves, when it creates the database (CreateDBInstance MasterUsername: "Can't be a
 * reserved word for the chosen database engine").
 *
 * Lengths: MySQL 16. The CreateDBInstance reference gives "1 to 16 letters, numbers, or
 * underscores"; MySQL itself allows 32 since 5.7.8 and a probe of a live account (floci-io/
 * floci#3729, 2026) had RDS accept 32, but that is not documented: a name refused here costs
 * an edit, one refused by RDS costs a failed phase 1, so the documented 16 holds. PostgreSQL
 * 63: the engine's identifier limit (NAMEDATALEN - 1), the per-engine constraint the RDS
 * reference gave ("1 to 63 letters or numbers") before it was folded into one line, and what
 * the same probe saw RDS accept.
 *
 * Reserved: `rdsadmin` on both engines (RDS's own administration user, on every instance)
 * and `admin` on PostgreSQL ("MasterUsername admin cannot be used as it is a reserved word
 * used by the engine": aws/aws-cdk#10597, cfn-lint#4425, both checked on real deployments).
 * Not refused, because RDS accepts them: `postgres` on PostgreSQL (the console's default),
 * `admin` on MySQL. `root` and `rdsrepladmin` are not refused: nothing documents that RDS
 * refuses them.
 *
 * An existing database's user is not created by RDS: it is the user the rotation function
 * logs in as and rotates, possibly not the master user, so the RDS length limits do not apply
 * but the engine's do (MySQL 32, "MySQL user names are up to 32 characters long";
 * PostgreSQL 63); `rdsadmin` stays refused (its password is RDS's, rotating it would lock RDS
 * out), `admin` is an ordinary PostgreSQL role there.
 */
export const MASTER_USERNAME_MAX: Record<Engine, { created: number; existing: number }> = {
  mysql: { created: 16, existing: 32 },
  postgres: { created: 63, existing: 63 },
};
const RESERVED_USERNAMES: Record<Engine, { created: string[]; existing: string[] }> = {
  mysql: { created: ["rdsadmin"], existing: ["rdsadmin"] },
  postgres: { created: ["rdsadmin", "admin"], existing: ["rdsadmin"] },
};

export const databaseUsernameValid: Rule = {
  name: "database-username-valid",
  check(env, report) {
    for (const workload of env.workloads) {
      const { engine, username, existing } = workload.database;
      if (engine === undefined || username === undefined) continue;
      const kind = existing ? "existing" : "created";
      const max = MASTER_USERNAME_MAX[engine][kind];
      const path = [...workload.path, "database", "username"];
      const whose = existing ? `a ${engine} user name` : `an RDS ${engine} master user name`;
      if (username.length > max) {
        report({
          path,
          input: username,
          message: `is ${username.length} characters; ${whose} is at most ${max}`,
        });
      } else if (RESERVED_USERNAMES[engine][kind].includes(username.toLowerCase())) {
        report({
          path,
          input: username,
          message: `is reserved by RDS for ${engine}; allowed: any other name (reserved: ${RESERVED_USERNAMES[engine][kind].join(", ")})`,
        });
      }
    }
  },
};

/**
 * The central names built from the environment name fit AWS's limits (see
 * `environmentNames`): the rotation function name `secrets-hub-<env>-rotation-<engine>-
 * <single|multi>` (Lambda: at most 64) is the tightest. Reports the name that overflows most,
 * with the longest environment name that fits.
 */
export const environmentNamesFit: Rule = {
  name: "environment-names-fit",
  check(env, report) {
    const environment = env.environment;
    if (environment === undefined) return;
    const applications = new Map<string, { engine: Engine; strategy: RotationStrategy }>();
    for (const { database } of env.workloads) {
      if (database.engine === undefined) continue;
      const strategy = database.rotationStrategy ?? "single-user";
      applications.set(`${database.engine}/${strategy}`, { engine: database.engine, strategy });
    }
    let worst: { what: string; name: string; max: number; over: number } | undefined;
    for (const limited of environmentNames(environment, [...applications.values()])) {
      const over = limited.name.length - limited.max;
      if (over > 0 && (worst === undefined || over > worst.over)) worst = { ...limited, over };
    }
    if (worst === undefined) return;
    report({
      path: ["environment"],
      input: environment,
      message: `makes the ${worst.what} ${worst.name} ${worst.name.length} characters, over AWS's limit of ${worst.max}; use an environment name of at most ${environment.length - worst.over} characters`,
    });
  },
};

/** The rotation window (`rotation.duration`) fits the schedule, as Secrets Manager requires. */
export const rotationWindowFits: Rule = {
  name: "rotation-window-fits",
  check(env, report) {
    const hours = env.rotation?.durationHours;
    if (hours === undefined) return;
    const problem = windowProblem(env.rotation?.schedule ?? "rate(30 days)", hours);
    if (problem !== undefined) {
      report({ path: ["rotation", "duration"], input: `${hours}h`, message: problem });
    }
  },
};

/**
 * Every Region of the environment is in the central Region's partition: KMS multi-Region
 * keys replicate, Secrets Manager replicates and VPC peering connects only within a
 * partition (aws, aws-cn, aws-us-gov), and one set of accounts lives in one partition.
 */
export const onePartition: Rule = {
  name: "one-partition",
  check(env, report) {
    const central = env.central.region;
    if (central === undefined) return;
    const partition = partitionOf(central);
    const regions: { path: Path; region?: string }[] = [
      { path: ["replicaRegion"], region: env.replicaRegion },
      ...env.workloads.map((w) => ({ path: [...w.path, "region"], region: w.region })),
    ];
    for (const { path, region } of regions) {
      if (region === undefined || partitionOf(region) === partition) continue;
      report({
        path,
        input: region,
        message: `is in partition ${partitionOf(region)}, but ${keyPath(["central", "region"])} (${central}) is in ${partition}; multi-Region keys, secret replicas and VPC peering do not cross partitions: use a Region of ${partition}`,
      });
    }
  },
};

const ROLE_ARN_PARTS = /^arn:([a-z-]+):iam::(\d{12}):role\//;

/**
 * A deploy role is in its account and in the partition of the account's Region. The
 * provider would refuse another account only at run time (allowedAccountIds), and STS of
 * one partition cannot assume a role of another.
 */
export const deployRoleInAccount: Rule = {
  name: "deploy-role-in-account",
  check(env, report) {
    for (const account of accountsOf(env)) {
      const parts = ROLE_ARN_PARTS.exec(account.deployRoleArn ?? "");
      if (parts === null) continue;
      const [, partition, accountId] = parts;
      const path = [...account.path, "deployRoleArn"];
      if (account.region !== undefined && partition !== partitionOf(account.region)) {
        report({
          path,
          input: account.deployRoleArn,
          message: `is an ARN of partition ${partition}, but ${keyPath([...account.path, "region"])} (${account.region}) is in ${partitionOf(account.region)}; write arn:${partitionOf(account.region)}:iam::<account>:role/<name>`,
        });
      } else if (/^\d{12}$/.test(account.accountId ?? "") && accountId !== account.accountId) {
        report({
          path,
          input: account.deployRoleArn,
          message: `is a role of account ${accountId}, not of ${keyPath([...account.path, "accountId"])} (${account.accountId}); the provider accepts only that account`,
        });
      }
    }
  },
};

/**
 * With peering, the central VPC has one active peering connection per workload, and AWS
 * grants at most 125 per VPC whatever the quota request: refuse more at once. The
 * adjustable part (default 50) is the policy pack's `peering-quota`.
 */
export const peeringHardLimit: Rule = {
  name: "peering-hard-limit",
  check(env, report) {
    if ((env.connectivity ?? "peering") !== "peering") return;
    const quota = QUOTAS.activePeeringsPerVpc;
    const count = env.workloads.length;
    if (count <= quota.maximum) return;
    report({
      path: ["workloads"],
      input: count,
      message: `${count} workloads need ${count} peering connections from the central VPC; AWS grants at most ${quota.maximum} "${quota.name}" (${quota.serviceCode} ${quota.quotaCode}), a limit no quota increase passes: split the environment`,
    });
  },
};

/** KMS refuses a key policy over 32,768 bytes (KMS quotas, "Key policy document size"). */
export const KEY_POLICY_MAX_BYTES = 32_768;

/**
 * The secrets key policy (and each replica's) grants the workload accounts: built with the
 * real builder (`secretsKeyPolicy`), in the Region of the longest name (the `kms:ViaService`
 * condition names it), it must fit KMS's limit. Naming the organization it has a constant
 * size; listing the accounts it grows by 15 bytes per workload account (about 2,150 fit).
 */
export const keyPolicyFits: Rule = {
  name: "key-policy-fits",
  check(env, report) {
    const central = env.central;
    if (central.region === undefined) return;
    const accounts = env.workloads.flatMap((w) => (w.accountId === undefined ? [] : [w.accountId]));
    const regions = [central.region, env.replicaRegion, ...env.workloads.map((w) => w.region)];
    const region = regions.reduce<string>(
      (longest, r) => (r !== undefined && r.length > longest.length ? r : longest),
      central.region,
    );
    const organizationId =
      env.organizationArn === undefined ? undefined : organizationIdOf(env.organizationArn);
    const policy = secretsKeyPolicy({
      accountId: central.accountId ?? "000000000000",
      region,
      readerAccountIds: accounts,
      organizationId,
    });
    const bytes = Buffer.byteLength(JSON.stringify(policy), "utf8");
    if (bytes <= KEY_POLICY_MAX_BYTES) return;
    report({
      path: ["workloads"],
      input: new Set(accounts).size,
      message: `make the secrets key policy ${bytes} bytes (one account id per workload account); KMS allows at most ${KEY_POLICY_MAX_BYTES}: name the organization (${keyPath(["transitGateway", "organizationArn"])}, transit gateway mode) or split the environment`,
    });
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
  databaseUsernameValid,
  environmentNamesFit,
  rotationWindowFits,
  onePartition,
  deployRoleInAccount,
  peeringHardLimit,
  keyPolicyFits,
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
    // As the schema reads it: an unquoted YAML number keeps its digits.
    accountId:
      typeof account.accountId === "number" && Number.isInteger(account.accountId)
        ? String(account.accountId)
        : asString(account.accountId),
    region: asString(account.region),
    vpcCidr: vpcCidr !== undefined && isIpv4Cidr(vpcCidr) ? vpcCidr : undefined,
    availabilityZones: Array.isArray(account.availabilityZones)
      ? account.availabilityZones.map(asString)
      : [],
    subnetPrefixLength:
      typeof account.subnetPrefixLength === "number" ? account.subnetPrefixLength : undefined,
    deployRoleArn: asString(account.deployRoleArn),
  };
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown): T | undefined {
  return (allowed as readonly unknown[]).includes(value) ? (value as T) : undefined;
}
