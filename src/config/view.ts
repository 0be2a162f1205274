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
  SHORTHAND_DATABASE,
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
  /**
   * Present when the key `existingVpc` is: its id and route tables when strings, its subnets
   * as listed (an id and a CIDR only when strings; a route table that is not a string is
   * `undefined`, so indexes hold).
   */
  readonly existingVpc?: {
    readonly vpcId?: string;
    readonly privateRouteTableIds: readonly (string | undefined)[];
    readonly subnets: readonly { readonly id?: string; readonly cidr?: string }[];
  };
  readonly given: Given;
}

/** One database of a workload, from `database:` or an entry of `databases:`. */
export interface DatabaseView {
  /** Key path of the database: `[..., "database"]` or `[..., "databases", j]`. */
  readonly path: Path;
  /** Its name (`SHORTHAND_DATABASE` for the shorthand), when a string. */
  readonly name?: string;
  readonly secretName?: string;
  readonly dbName?: string;
  /** Present only when it is one of the engines. */
  readonly engine?: Engine;
  /** One of the strategies; the default when absent or not one of them. */
  readonly rotationStrategy: RotationStrategy;
  readonly username?: string;
  readonly applicationUsername?: string;
  /** True when the workload points at an existing database (none is created). */
  readonly existing: boolean;
  /** The `allowFrom.cidrs` that are strings, with their index. */
  readonly allowFromCidrs: readonly { readonly cidr: string; readonly index: number }[];
  /** The rotation of this database's secret: its own settings, else the workload's, else the environment's. */
  readonly secret: SecretView;
  readonly given: Given;
}

/** The rotation settings that apply to one secret. */
export interface SecretView {
  /**
   * The schedule that applies (its own, else the workload's `secret.schedule`, else
   * `rotation.schedule`, else the default); undefined when it is neither a number nor a string.
   */
  readonly schedule?: number | string;
  /** Hours of the window that applies, when `<N>h`. */
  readonly durationHours?: number;
  /** Key path of these settings. */
  readonly path: Path;
  /** The settings as written at `path` (a database's own, without the workload's). */
  readonly given: Given;
}

/** A reader of a workload's secrets. */
export interface ReaderView {
  readonly path: Path;
  readonly name?: string;
  readonly roleArn?: string;
  /** The names it reads that are strings, with their index. */
  readonly reads: readonly { readonly name: string; readonly index: number }[];
  readonly given: Given;
}

/** A secret that is not a database's. */
export interface PlainSecretView {
  readonly path: Path;
  readonly name?: string;
  readonly secretName?: string;
  /** `none`, or the custom function's ARN when a string. */
  readonly rotationLambdaArn?: string;
  readonly given: Given;
}

export interface WorkloadView extends AccountView {
  readonly name?: string;
  /** Its databases: the `database:` shorthand, or `databases:` (both when both are given). */
  readonly databases: readonly DatabaseView[];
  readonly secrets: readonly PlainSecretView[];
  /** Absent when the file lists no `readers:` (one role reads everything). */
  readonly readers?: readonly ReaderView[];
  /** The workload's own `secret` settings (the shorthand database's, and every secret's default). */
  readonly secret: SecretView;
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
      ? env.workloads.map((w: unknown, i) => workloadView(asRecord(w), i, rotation))
      : [],
    given: env,
  };
}

function workloadView(
  workload: Record<string, unknown>,
  i: number,
  rotation: Record<string, unknown>,
): WorkloadView {
  const path: Path = ["workloads", i];
  const secret = secretView(asRecord(workload.secret), [...path, "secret"], rotation);
  const databases: DatabaseView[] = [];
  if (workload.database !== undefined)
    databases.push(databaseView(asRecord(workload.database), [...path, "database"], secret));
  asArray(workload.databases).forEach((d, j) => {
    const given = asRecord(d);
    const own = asRecord(given.secret);
    databases.push(
      databaseView(given, [...path, "databases", j], {
        ...secretView({ ...secret.given, ...own }, [...path, "databases", j, "secret"], rotation),
        given: own,
      }),
    );
  });
  return {
    ...accountView(workload, path),
    name: asString(workload.name),
    databases,
    secrets: asArray(workload.secrets).map((s, j) => {
      const given = asRecord(s);
      const rotationGiven = given.rotation;
      return {
        path: [...path, "secrets", j],
        name: asString(given.name),
        secretName: asString(given.secretName),
        rotationLambdaArn: asString(asRecord(rotationGiven).lambdaArn),
        given,
      };
    }),
    readers: Array.isArray(workload.readers)
      ? workload.readers.map((r, j) => {
          const given = asRecord(r);
          return {
            path: [...path, "readers", j],
            name: asString(given.name),
            roleArn: asString(given.roleArn),
            reads: asArray(given.reads).flatMap((name, index) =>
              typeof name === "string" ? [{ name, index }] : [],
            ),
            given,
          };
        })
      : undefined,
    secret,
  };
}

function databaseView(
  database: Record<string, unknown>,
  path: Path,
  secret: SecretView,
): DatabaseView {
  const shorthand = path[path.length - 1] === "database";
  return {
    path,
    name: shorthand ? SHORTHAND_DATABASE : asString(database.name),
    secretName: asString(database.secretName),
    dbName: asString(database.dbName),
    engine: oneOf(ENGINES, database.engine),
    rotationStrategy:
      oneOf(ROTATION_STRATEGIES, database.rotationStrategy) ?? ROTATION_STRATEGY_DEFAULT,
    username: asString(database.username),
    applicationUsername: asString(database.applicationUsername),
    existing: database.existing !== undefined,
    allowFromCidrs: asArray(asRecord(database.allowFrom).cidrs).flatMap((cidr, index) =>
      typeof cidr === "string" ? [{ cidr, index }] : [],
    ),
    secret,
    given: database,
  };
}

function secretView(
  secret: Record<string, unknown>,
  path: Path,
  rotation: Record<string, unknown>,
): SecretView {
  return {
    schedule: asSchedule(secret.schedule ?? rotation.schedule ?? ROTATION_SCHEDULE_DEFAULT),
    durationHours: durationHours(secret.duration ?? rotation.duration),
    path,
    given: secret,
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
            vpcId: asString(asRecord(account.existingVpc).vpcId),
            privateRouteTableIds: asArray(asRecord(account.existingVpc).privateRouteTableIds).map(
              asString,
            ),
            subnets: asArray(asRecord(account.existingVpc).subnets)
              .map(asRecord)
              .map((subnet) => ({ id: asString(subnet.id), cidr: asString(subnet.cidr) })),
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
