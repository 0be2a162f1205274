/**
 * The environment as the config rules see it (`rules/`): tolerant of any input, since the
 * rules run even when fields failed their own checks (so that one error lists every problem),
 * and typed as far as the input goes, with the schema's defaults applied (`defaults.ts`).
 *
 * A typed field is present only when the input has the expected type (and, where said, form);
 * `given` keeps the values as the file has them, for quoting them back in a message and for
 * the rules that judge whether a key is set at all, whatever its value.
 */
import { ENGINES, Engine, ROTATION_STRATEGIES, RotationStrategy } from "../../kernel/engines";
import { isIpv4Cidr } from "../../kernel/cidr";
import { cidrRange } from "../../policy-pack/lib/cidr";
import {
  CONNECTIVITY_DEFAULT,
  DURATION,
  ROTATION_SCHEDULE_DEFAULT,
  ROTATION_STRATEGY_DEFAULT,
} from "./defaults";
import type { Path } from "./keyPath";

/** The keys of an object of the file, as given. */
export type Given = Readonly<Record<string, unknown>>;

/** An account as the rules see it. */
export interface AccountView {
  /** Key path of the account: `["central"]` or `["workloads", i]`. */
  readonly path: Path;
  readonly accountId?: string;
  readonly region?: string;
  /** Present only when it is a valid VPC CIDR (see `isIpv4Cidr`). */
  readonly vpcCidr?: string;
  /** `vpcCidr` when it is a string, valid or not (an IPv4 block of any size still routes). */
  readonly vpcCidrGiven?: string;
  /** The zones as listed; an entry that is not a string is `undefined`, so indexes hold. */
  readonly availabilityZones: readonly (string | undefined)[];
  readonly subnetPrefixLength?: number;
  readonly deployRoleArn?: string;
  /** Present when the key `existingVpc` is: its subnets as listed, a CIDR only when a string. */
  readonly existingVpc?: { readonly subnets: readonly { readonly cidr?: string }[] };
  readonly given: Given;
}

export interface WorkloadView extends AccountView {
  readonly name?: string;
  readonly database: {
    readonly secretName?: string;
    readonly dbName?: string;
    /** Present only when it is one of the engines. */
    readonly engine?: Engine;
    /** One of the strategies; the default when absent or not one of them. */
    readonly rotationStrategy: RotationStrategy;
    readonly username?: string;
    readonly applicationUsername?: string;
    /** True only when given as `true`. */
    readonly applicationUserCreated: boolean;
    /** True when the workload points at an existing database (none is created). */
    readonly existing: boolean;
    readonly given: Given;
  };
  /** The rotation of this workload's secret: its own settings, else the environment's. */
  readonly secret: {
    /**
     * The schedule that applies (`secret.schedule`, else `rotation.schedule`, else the
     * default); undefined when the one that applies is neither a number nor a string.
     */
    readonly schedule?: number | string;
    /** Hours of the window that applies (`secret.duration`, else `rotation.duration`), when `<N>h`. */
    readonly durationHours?: number;
    readonly given: Given;
  };
}

/** The environment as the rules see it. */
export interface EnvironmentView {
  readonly environment?: string;
  readonly replicaRegion?: string;
  /** How central reaches the workload VPCs; the default when absent or not a string. */
  readonly connectivity: string;
  readonly rotation: {
    /** A day count or an expression; the default when absent or of another type. */
    readonly schedule: number | string;
    /** Hours of the `<N>h` window, when it is one. */
    readonly durationHours?: number;
  };
  readonly transitGateway: {
    /** `transitGateway.organizationArn` as a string, in transit gateway mode only. */
    readonly organizationArn?: string;
    /** The prefixes that are IPv4 blocks, in order; undefined when the key is not a list. */
    readonly summaryPrefixes?: readonly string[];
    readonly given: Given;
  };
  readonly alerts: {
    /** Present only when it is a string. */
    readonly topicArn?: string;
  };
  readonly central: AccountView;
  readonly workloads: readonly WorkloadView[];
  readonly given: Given;
}

/** Reads any value (valid or not) as an `EnvironmentView`. */
export function environmentView(value: unknown): EnvironmentView {
  const env = asRecord(value);
  const rotation = asRecord(env.rotation);
  const transitGateway = asRecord(env.transitGateway);
  return {
    environment: asString(env.environment),
    replicaRegion: asString(env.replicaRegion),
    connectivity: asString(env.connectivity) ?? CONNECTIVITY_DEFAULT,
    rotation: {
      schedule: asSchedule(rotation.schedule) ?? ROTATION_SCHEDULE_DEFAULT,
      durationHours: durationHours(rotation.duration),
    },
    transitGateway: {
      organizationArn:
        asString(env.connectivity) === "transit-gateway"
          ? asString(transitGateway.organizationArn)
          : undefined,
      summaryPrefixes: Array.isArray(transitGateway.summaryPrefixes)
        ? transitGateway.summaryPrefixes.filter(
            (p): p is string => typeof p === "string" && cidrRange(p) !== undefined,
          )
        : undefined,
      given: transitGateway,
    },
    alerts: { topicArn: asString(asRecord(env.alerts).topicArn) },
    central: accountView(env.central, ["central"]),
    workloads: Array.isArray(env.workloads)
      ? env.workloads.map((w: unknown, i) => {
          const workload = asRecord(w);
          const database = asRecord(workload.database);
          const secret = asRecord(workload.secret);
          return {
            ...accountView(workload, ["workloads", i]),
            name: asString(workload.name),
            database: {
              secretName: asString(database.secretName),
              dbName: asString(database.dbName),
              engine: oneOf(ENGINES, database.engine),
              rotationStrategy:
                oneOf(ROTATION_STRATEGIES, database.rotationStrategy) ?? ROTATION_STRATEGY_DEFAULT,
              username: asString(database.username),
              applicationUsername: asString(database.applicationUsername),
              applicationUserCreated: database.applicationUserCreated === true,
              existing: database.existing !== undefined,
              given: database,
            },
            secret: {
              schedule: asSchedule(
                secret.schedule ?? rotation.schedule ?? ROTATION_SCHEDULE_DEFAULT,
              ),
              durationHours: durationHours(secret.duration ?? rotation.duration),
              given: secret,
            },
          };
        })
      : [],
    given: env,
  };
}

/** Central first, then the workloads in file order. */
export function accountsOf(env: EnvironmentView): readonly AccountView[] {
  return [env.central, ...env.workloads];
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
    vpcCidrGiven: vpcCidr,
    availabilityZones: Array.isArray(account.availabilityZones)
      ? account.availabilityZones.map(asString)
      : [],
    subnetPrefixLength:
      typeof account.subnetPrefixLength === "number" ? account.subnetPrefixLength : undefined,
    deployRoleArn: asString(account.deployRoleArn),
    existingVpc:
      account.existingVpc === undefined
        ? undefined
        : {
            subnets: asArray(asRecord(account.existingVpc).subnets)
              .map(asRecord)
              .map((subnet) => ({ cidr: asString(subnet.cidr) })),
          },
    given: account,
  };
}

/** Hours of a `<N>h` window; undefined for anything else. */
function durationHours(value: unknown): number | undefined {
  const match = DURATION.exec(asString(value) ?? "");
  return match ? Number(match[1]) : undefined;
}

function asSchedule(value: unknown): number | string | undefined {
  return typeof value === "number" || typeof value === "string" ? value : undefined;
}

/** The value if it is a plain object, else `{}`. */
function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The value if it is an array, else `[]`. */
function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value if it is a string, else undefined. */
function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown): T | undefined {
  return (allowed as readonly unknown[]).includes(value) ? (value as T) : undefined;
}
