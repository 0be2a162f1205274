/**
 * The one schema of an environment file (`Pulumi.<env>.yaml`, keys under `secrets-hub:`).
 *
 * Field rules live on the fields; rules that span the environment (CIDR overlaps, unique
 * account ids and names, replica region) are the named rules of `rules/`, which run even
 * when some fields are already wrong so that one error reports every problem at once.
 * Defaults live on the fields: an object's default is its fields' defaults.
 */
import { z } from "zod";
import { QUOTAS } from "../../policy-pack/lib/quotas";
import { cidrRange } from "../../policy-pack/lib/cidr";
import { isIpv4Cidr } from "../../kernel/cidr";
import { readSchedule } from "../../policy-pack/lib/schedule";
import {
  CONFIGURABLE_ROTATION_STRATEGIES as ROTATION_STRATEGIES,
  DATABASE_NAME,
  ENGINES,
  ENGINE_SPECS,
  type Engine,
  MIN_ROTATION_APPLICATION_VERSION,
  compareVersions,
  RDS_INSTANCE_IDENTIFIER,
} from "../../kernel/engines";
import { REGION_NAME_FORM } from "../../kernel/regions";
import { PROGRAM_TAG_KEYS } from "../../kernel/tags";
import {
  DURATION,
  ROTATION_SCHEDULE_DEFAULT,
  ROTATION_STRATEGY_DEFAULT,
  SHORTHAND_DATABASE,
  SHORTHAND_READER,
  BACKUP_RETENTION_DAYS_DEFAULT,
  EXTENDED_SUPPORT_DEFAULT,
} from "./defaults";
import { checkEnvironment, type Issue } from "./rules";
import { connectivity, transitGateway } from "./transitGateway";

export { keyPath } from "./keyPath";
export * from "./defaults";

// The engine facts live in kernel/engines.ts; re-exported for readers of the config.
export { databasePort } from "../../kernel/engines";
export { ENGINES, ROTATION_STRATEGIES };

const ACCOUNT_ID = /^\d{12}$/;
/** The form of a Region name; whether it exists is the `regions-exist` rule's (kernel/regions.ts). */
const REGION = REGION_NAME_FORM;
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ENV_NAME = /^[a-z][a-z0-9]*$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/;
const SEMVER = /^\d+\.\d+\.\d+$/;
/** Entries of each `allowFrom` list: each is a rule, of the 60 inbound rules a security group may have. */
const ALLOW_FROM_MAX = 20;

/**
 * Account ids are often written unquoted in YAML; accept the number but keep its digits.
 * (The JSON Schema of the file, src/config/jsonSchema.ts, states the number form itself.)
 */
export const accountId = z.preprocess(
  (v) => (typeof v === "number" && Number.isInteger(v) ? String(v) : v),
  z.string().regex(ACCOUNT_ID, { error: "must be a 12-digit AWS account id (quote it in YAML)" }),
);

const region = z.string().regex(REGION, { error: "must be an AWS region name such as us-east-1" });

const cidr = z.string().refine(isIpv4Cidr, {
  error: "must be an IPv4 CIDR block with a prefix length from /16 to /28, e.g. 10.1.0.0/16",
});

/**
 * AWS tagging rules ("Tag restrictions", the same on every service that tags, e.g.
 * docs.aws.amazon.com/batch/latest/userguide/tag-restrictions.html): at most 50 tags per
 * resource, keys of 1 to 128 characters, values of at most 256, letters, digits, spaces and
 * `+ - = . _ : / @`, and no key beginning with `aws:` in any case (AWS's own). The 50 count
 * the tags the program adds too (`PROGRAM_TAG_KEYS`: a workload subnet carries all four).
 */
const TAG_KEY_MAX = 128;
const TAG_VALUE_MAX = 256;
const TAGS_PER_RESOURCE = 50;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_CHARACTERS = "letters, digits, spaces and + - = . _ : / @";

const tags = z.record(z.string(), z.string()).superRefine((value, ctx) => {
  for (const [key, text] of Object.entries(value)) {
    const problem = (message: string, input: string) =>
      ctx.addIssue({ code: "custom", message, input, path: [key] });
    if (key.length < 1 || key.length > TAG_KEY_MAX) {
      problem(`a tag key must be 1 to ${TAG_KEY_MAX} characters`, key);
    } else if (key.toLowerCase().startsWith("aws:")) {
      problem("a tag key must not begin with aws: (reserved for AWS)", key);
    } else if (!TAG_TEXT.test(key)) {
      problem(`a tag key may contain only ${TAG_CHARACTERS}`, key);
    }
    if (text.length > TAG_VALUE_MAX) {
      problem(`a tag value must be at most ${TAG_VALUE_MAX} characters`, text);
    } else if (!TAG_TEXT.test(text)) {
      problem(`a tag value may contain only ${TAG_CHARACTERS}`, text);
    }
  }
  const keys = new Set([...Object.keys(value), ...PROGRAM_TAG_KEYS]);
  if (keys.size > TAGS_PER_RESOURCE) {
    const own = PROGRAM_TAG_KEYS.filter((k) => !(k in value));
    ctx.addIssue({
      code: "custom",
      input: Object.keys(value).length,
      message: `with the ${own.length} tags the program adds (${own.join(", ")}) a resource would carry ${keys.size} tags; AWS allows at most ${TAGS_PER_RESOURCE}: keep at most ${TAGS_PER_RESOURCE - own.length}`,
    });
  }
});

const account = z.strictObject({
  /** 12-digit AWS account id; the providers refuse any other account. */
  accountId,
  /** Primary region of the account's resources. */
  region,
  /** VPC CIDR; must overlap no other VPC of the environment. */
  vpcCidr: cidr,
  /** Availability zones for the private subnets (2 to 6, in the account's region). */
  availabilityZones: z
    .array(
      z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { error: "must be a zone name such as us-east-1a" }),
    )
    .min(2, { error: "needs at least 2 availability zones" })
    .max(6, { error: "allows at most 6 availability zones" }),
  /** Prefix length of each private subnet; default: VPC prefix + 4 (a /16 gives /20 subnets). */
  subnetPrefixLength: z.number().int().min(16).max(28).optional(),
  /** Role the deployment assumes in this account; default: the ambient credentials. */
  deployRoleArn: z
    .string()
    .regex(ROLE_ARN, { error: "must be an IAM role ARN, arn:aws:iam::<12 digits>:role/<name>" })
    .optional(),
  /** A VPC that exists: none is created, and everything goes into the subnets named here. */
  existingVpc: z
    .strictObject({
      /** The VPC's id; `vpcCidr` must be its CIDR. */
      vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: "must be a VPC id, vpc-<hex>" }),
      /** The private route tables that must route to the peer (every one the subnets use). */
      privateRouteTableIds: z
        .array(z.string().regex(/^rtb-[0-9a-f]{8,17}$/, { error: "must be a route table id" }))
        .min(1, { error: "needs at least one route table" }),
      /**
       * Private subnets, one per availability zone in `availabilityZones` order, with their
       * CIDRs: central runs the rotation functions there; every account puts its Secrets
       * Manager endpoint there; a created database uses them as its subnet group.
       */
      subnets: z
        .array(
          z.strictObject({
            id: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: "must be a subnet id" }),
            cidr: z.string().refine(isIpv4Cidr, {
              error: "must be the subnet's IPv4 CIDR block, /16 to /28",
            }),
          }),
        )
        .min(2, { error: "needs at least 2 subnets in different zones" }),
      /**
       * A Secrets Manager interface endpoint the VPC already has: none is created. It must
       * have private DNS on (checked when the stack runs).
       */
      secretsManagerEndpointId: z
        .string()
        .regex(/^vpce-[0-9a-f]{8,17}$/, { error: "must be a VPC endpoint id, vpce-<hex>" })
        .optional(),
    })
    .optional(),
});

const existingDatabase = z.strictObject({
  /** DNS name of the existing database. */
  host: z.string().min(1, { error: "must be the database host name" }),
  /** Port; default: the engine's port. */
  port: z.number().int().min(1150).max(65535).optional(),
  /**
   * RDS instance identifier of an RDS instance (postgres, mysql); the rotation function reads
   * it from the secret. Exactly one of this and `dbClusterIdentifier`, as the engine has.
   */
  dbInstanceIdentifier: z
    .string()
    .regex(RDS_INSTANCE_IDENTIFIER, {
      error: "must be an RDS instance identifier (letters, digits and single hyphens, at most 63)",
    })
    .optional(),
  /** DB cluster identifier of an Aurora cluster (aurora-postgresql, aurora-mysql). */
  dbClusterIdentifier: z
    .string()
    .regex(RDS_INSTANCE_IDENTIFIER, {
      error: "must be a DB cluster identifier (letters, digits and single hyphens, at most 63)",
    })
    .optional(),
  /**
   * The database's security group: the workload stack admits the rotation subnets to it on
   * the database port, and nothing else.
   */
  securityGroupId: z
    .string()
    .regex(/^sg-[0-9a-f]{8,17}$/, { error: "must be a security group id, sg-<hex>" }),
  /**
   * Set to true once the operator has put the first value into the secret (README,
   * "Adopting existing resources"): until then the secret has no rotation, since a rotation
   * of an empty secret fails. Default: false.
   */
  valuePut: z.boolean().default(false),
});

/** Who in the workload VPC may connect to a database, besides the rotation functions. */
const allowFrom = z.strictObject({
  /** Security groups of the workload's applications (in the workload VPC). */
  securityGroupIds: z
    .array(
      z.string().regex(/^sg-[0-9a-f]{8,17}$/, { error: "must be a security group id, sg-<hex>" }),
    )
    .max(ALLOW_FROM_MAX, { error: `allows at most ${ALLOW_FROM_MAX} security groups` })
    .default([]),
  /** IPv4 blocks within the workload VPC's CIDR. */
  cidrs: z
    .array(
      z.string().refine((c) => cidrRange(c) !== undefined, {
        error: "must be an IPv4 CIDR block such as 10.1.0.0/20",
      }),
    )
    .max(ALLOW_FROM_MAX, { error: `allows at most ${ALLOW_FROM_MAX} CIDR blocks` })
    .default([]),
});

const database = z.strictObject({
  engine: z.enum(ENGINES, { error: `must be one of ${ENGINES.join(", ")}` }),
  rotationStrategy: z
    .enum(ROTATION_STRATEGIES, { error: `must be one of ${ROTATION_STRATEGIES.join(", ")}` })
    .default(ROTATION_STRATEGY_DEFAULT),
  /** Name of the secret in the central account. */
  secretName: z
    .string()
    .max(512)
    .regex(SECRET_NAME, { error: "may contain only A-Za-z0-9/_+=.@-" }),
  dbName: z.string().regex(DATABASE_NAME, {
    error: "must start with a letter and hold only letters, digits and _",
  }),
  username: z.string().regex(DATABASE_NAME, {
    error: "must start with a letter and hold only letters, digits and _",
  }),
  /** Engine version: `16` or `8.4` for RDS; Aurora's forms in `engineVersionProblem` (kernel/engines.ts). */
  engineVersion: z
    .string()
    .regex(/^\d+(\.\d+)*(\.mysql_aurora\.\d+(\.\d+)*)?$/, {
      error: "must be a version such as 16, 8.0, 16.6 or 8.0.mysql_aurora.3.08.2",
    })
    .optional(),
  /** Instance class; default: db.t4g.micro for an RDS instance, db.t4g.medium for Aurora (its smallest). */
  instanceClass: z
    .string()
    .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: "must be an RDS class such as db.t4g.micro" })
    .optional(),
  /** GiB of gp3 storage of an RDS instance, 20-65536 (not for Aurora, whose storage grows by itself). Default: 20. */
  allocatedStorage: z.number().int().min(20).max(65536).optional(),
  port: z.number().int().min(1150).max(65535).optional(),
  /** Multi-AZ deployment of a created RDS instance (not for Aurora: its standby is a reader). Default: false. */
  multiAz: z.boolean().optional(),
  /** Days of automated backups of a created database, 1-35. Default: 7. */
  backupRetentionDays: z
    .number()
    .int()
    .min(1, { error: "must be from 1 to 35 (0 would turn backups off)" })
    .max(35, { error: "must be from 1 to 35" })
    .default(BACKUP_RETENTION_DAYS_DEFAULT),
  /**
   * Multi-user rotation: the admin user's credentials live in their own secret (the
   * "master secret", `<secretName>/master`), and the rotation alternates the application
   * user with a clone. Required then: the application user's name (it must exist in the
   * database before rotation is switched on: README, "Multi-user rotation").
   */
  applicationUsername: z
    .string()
    .regex(DATABASE_NAME, { error: "must start with a letter and hold only letters, digits and _" })
    .optional(),
  /**
   * No longer read: the program creates the application user itself (docs/rotation.md,
   * "What the program runs in the database"). Accepted so that files of earlier releases
   * still load; an existing user keeps its password and gets its grants again.
   */
  applicationUserCreated: z.boolean().optional(),
  /**
   * Enrol a created database in paid RDS Extended Support once its major version leaves
   * standard support (RDS's own default is to enrol). Default: false.
   */
  extendedSupport: z.boolean().default(EXTENDED_SUPPORT_DEFAULT),
  /** Aurora only: DB instances of the cluster, a writer and readers (1-16). Default: 2 (AURORA_INSTANCES_DEFAULT). */
  instances: z
    .number()
    .int()
    .min(1, { error: "must be from 1 to 16 (a writer and up to 15 readers)" })
    .max(16, { error: "must be from 1 to 16 (a writer and up to 15 readers)" })
    .optional(),
  /** Applications in the workload VPC admitted on the database port (besides rotation). */
  allowFrom: allowFrom.optional(),
  /** When set, no database is created: the secret points at this one. */
  existing: existingDatabase.optional(),
});

/** Names of a workload's databases, secrets and readers: its `reads` name them. */
const ITEM_NAME = z.string().regex(/^[a-z][a-z0-9]{0,19}$/, {
  error: "must be 1-20 lower-case letters and digits, starting with a letter",
});

/** A rotation schedule: `rate(N days)`, `rate(N hours)`, `cron(...)` or a number of days (1-1000). */
const schedule = z.union([z.number(), z.string()]).superRefine((value, ctx) => {
  const reading = readSchedule(value);
  if (!reading.ok) ctx.addIssue({ code: "custom", message: reading.reason, input: value });
});

/** A rotation window, `<N>h` from 1h to 24h. */
const duration = z
  .string()
  .refine(
    (d) =>
      DURATION.test(d) && Number(DURATION.exec(d)![1]) >= 1 && Number(DURATION.exec(d)![1]) <= 24,
    { error: "must be a window from 1h to 24h, e.g. 3h" },
  );

/** Per-secret settings of a workload; each defaults to the environment's. */
const secretSettings = z.strictObject({
  /** Rotation schedule of this workload's secret (same forms as `rotation.schedule`). */
  schedule: schedule.optional(),
  /** Rotation window of this workload's secret (`<N>h`). */
  duration: duration.optional(),
  /** Description of the secret. */
  description: z.string().max(2048, { error: "allows at most 2,048 characters" }).optional(),
  /** Tags of this workload's secret, added to the environment's. */
  tags: tags.optional(),
});

/** One of a workload's databases (`databases:`): a database with its name and its secret's settings. */
const namedDatabase = database.extend({
  /** Unique among the workload's databases and secrets; `readers[].reads` names it. */
  name: ITEM_NAME,
  /** Settings of this database's secret; each defaults to the workload's `secret`. */
  secret: secretSettings.optional(),
});

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}$/;

/** A secret that is not a database's (an API key, a token): the operator puts its value. */
const plainSecret = z.strictObject({
  /** Unique among the workload's databases and secrets; `readers[].reads` names it. */
  name: ITEM_NAME,
  /** Name of the secret in the central account. */
  secretName: z
    .string()
    .max(512)
    .regex(SECRET_NAME, { error: "may contain only A-Za-z0-9/_+=.@-" }),
  description: z.string().max(2048, { error: "allows at most 2,048 characters" }).optional(),
  tags: tags.optional(),
  /**
   * `none` (said explicitly: the pack reports it with its maximum age), or a rotation by a
   * custom function in the central account and Region.
   */
  rotation: z.union(
    [
      z.literal("none"),
      z.strictObject({
        /** The rotation function, in the central account and Region. */
        lambdaArn: z.string().regex(LAMBDA_ARN, {
          error: "must be a Lambda function ARN, arn:aws:lambda:<region>:<account>:function:<name>",
        }),
        schedule: schedule.optional(),
        duration: duration.optional(),
      }),
    ],
    { error: "must be none or { lambdaArn, schedule?, duration? }" },
  ),
  /**
   * Set to true once the operator has put the first value (`put-secret-value`, outside
   * Pulumi state): until then a custom rotation is not switched on (a rotation of an empty
   * secret fails). Default: false.
   */
  valuePut: z.boolean().default(false),
});

/** Who reads which of the workload's secrets: a role created here, or an existing role. */
const reader = z.strictObject({
  /** Unique among the workload's readers. */
  name: ITEM_NAME,
  /** A role created for these services (exactly one of this and roleArn). */
  trustedServices: z
    .array(
      z.string().regex(SERVICE_PRINCIPAL, {
        error: "must be a service principal such as ecs-tasks.amazonaws.com",
      }),
    )
    .min(1, { error: "needs at least one service principal" })
    .optional(),
  /** An existing role of the workload's account: it gets an inline policy. */
  roleArn: z
    .string()
    .regex(ROLE_ARN, { error: "must be an IAM role ARN, arn:aws:iam::<12 digits>:role/<name>" })
    .optional(),
  /** Names of the workload's databases and secrets it reads. */
  reads: z.array(z.string()).min(1, { error: "needs at least one database or secret name" }),
});

const workload = account.extend({
  /** Workload name; the stack is `<env>-<name>`. */
  name: z
    .string()
    .regex(NAME, {
      error: "must be lower-case letters, digits and single hyphens, starting with a letter",
    })
    .refine((n) => n !== "central", { error: "'central' names the central stack" }),
  /** Shorthand for one reader role reading every secret of the workload (not with `readers`). */
  applicationRole: z
    .strictObject({
      /** Service principals trusted to assume the role. */
      trustedServices: z
        .array(
          z.string().regex(SERVICE_PRINCIPAL, {
            error: "must be a service principal such as ec2.amazonaws.com",
          }),
        )
        .min(1)
        .default(["ec2.amazonaws.com"]),
    })
    .optional(),
  /** Shorthand for one database (exactly one of `database` and `databases`). */
  database: database.optional(),
  /** The workload's databases, each with its own secret and rotation. */
  databases: z
    .array(namedDatabase)
    .min(1, { error: "needs at least one database (or use database:)" })
    .optional(),
  /** Secrets that are not a database's, held centrally. */
  secrets: z.array(plainSecret).default([]),
  /** Who reads which secrets. Default: one role (applicationRole) reading every secret. */
  readers: z.array(reader).min(1, { error: "needs at least one reader" }).optional(),
  /** Settings of this workload's secrets that differ from the environment's. */
  secret: secretSettings.prefault({}),
});

const rotation = z.strictObject({
  /** `rate(N days)`, `rate(N hours)`, `cron(...)` or a number of days (1-1000). */
  schedule: schedule.default(ROTATION_SCHEDULE_DEFAULT),
  /** Rotation window, `<N>h` from 1h to 24h. */
  duration: duration.optional(),
  /** Pinned version of the AWS rotation applications (Serverless Application Repository). */
  applicationVersion: z
    .string()
    .regex(SEMVER, {
      error: `must be a pinned semantic version such as ${MIN_ROTATION_APPLICATION_VERSION}`,
    })
    .refine((v) => !SEMVER.test(v) || compareVersions(v, MIN_ROTATION_APPLICATION_VERSION) >= 0, {
      error: `must be ${MIN_ROTATION_APPLICATION_VERSION} or later: earlier versions of the rotation applications run on Python 3.10 or older, a runtime on which Lambda no longer creates functions (the application's stack would roll back)`,
    }),
});

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const ANALYZER_ARN = /^arn:aws[a-z-]*:access-analyzer:[a-z0-9-]+:\d{12}:analyzer\/[A-Za-z0-9_.-]+$/;

const alerts = z
  .strictObject({
    /** Addresses subscribed to the alerts topic this program creates. */
    emails: z
      .array(z.string().regex(EMAIL, { error: "must be an e-mail address" }))
      .max(20, { error: "allows at most 20 addresses (use a mailing list)" })
      .optional(),
    /** An existing SNS topic to publish to instead; none is created. */
    topicArn: z
      .string()
      .regex(TOPIC_ARN, {
        error: "must be an SNS topic ARN, arn:aws:sns:<region>:<account>:<name>",
      })
      .optional(),
  })
  .refine((a) => !(a.emails && a.topicArn), {
    error:
      "set emails (subscribed to a topic this program creates) or topicArn (an existing topic), not both",
  });

/** What one Region's (or every Region's) analyzer is: `create`, `none`, or the ARN of one that exists. */
const analyzerSetting = z.union(
  [
    z.enum(["create", "none"]),
    z.string().regex(ANALYZER_ARN, {
      error:
        "must be create (an account analyzer in each Region of the secrets), none, or the ARN of an existing analyzer, arn:aws:access-analyzer:<region>:<account>:analyzer/<name>",
    }),
  ],
  {
    error:
      "must be create (an account analyzer in each Region of the secrets), none, or the ARN of an existing analyzer",
  },
);

/**
 * One setting for every Region of central's secrets, or a map from such a Region to its
 * setting (a Region left out is `create`, the key's default). Which Regions a map may name
 * is the `access-analyzer-regions` rule's (rules/analyzer.ts): they follow from other keys.
 * Pulumi.yaml declares the key without a `type`, so the CLI does not hold a map to the
 * string default's type (pulumi/pulumi#11192: "stack values overriding this config block
 * will not be validated against the type").
 */
const accessAnalyzer = z.union([analyzerSetting, z.record(z.string(), analyzerSetting)], {
  error:
    "must be create, none, an existing analyzer's ARN, or a map from each Region of the secrets to one of these",
});

const key = z.strictObject({
  deletionWindowInDays: z
    .number()
    .int()
    .min(7, { error: "must be from 7 to 30" })
    .max(30, { error: "must be from 7 to 30" })
    .default(30),
  rotationPeriodInDays: z
    .number()
    .int()
    .min(90, { error: "must be from 90 to 2560" })
    .max(2560, { error: "must be from 90 to 2560" })
    .default(365),
});

export const environmentSchema = z
  .strictObject({
    environment: z
      .string()
      .regex(ENV_NAME, { error: "must be lower-case letters and digits, starting with a letter" })
      .meta({
        description:
          "Environment name (lower-case letters and digits). Every stack is <environment>-<account>, e.g. dev-central.",
      }),
    central: account.meta({
      description:
        "The central security account: accountId (12 digits), region, vpcCidr, availabilityZones (2-6), optional subnetPrefixLength, deployRoleArn and existingVpc (vpcId, privateRouteTableIds, subnets, optional secretsManagerEndpointId).",
    }),
    workloads: z.array(workload).min(1, { error: "needs at least one workload" }).meta({
      description:
        "Workload accounts, one stack each: the fields of central, plus name; databases (each: name, engine, rotationStrategy single-user|multi-user, secretName, dbName, username, optional engineVersion, instanceClass, instances, allocatedStorage, port, multiAz, backupRetentionDays, applicationUsername, extendedSupport, allowFrom {securityGroupIds, cidrs}, secret, existing), or database (one, the same fields without name); secrets (non-database secrets: name, secretName, rotation none|{lambdaArn, schedule, duration}, valuePut, description, tags); readers (name, trustedServices or roleArn, reads), or applicationRole.trustedServices (one role reading every secret); secret (schedule, duration, description, tags: the default of each secret). See docs/estate.md.",
    }),
    replicaRegion: region.meta({
      description:
        "Region that holds the replica key and every secret replica; must differ from the central region.",
    }),
    key: key.prefault({}).meta({
      description:
        "CMK settings: deletionWindowInDays (7-30, default 30) and rotationPeriodInDays (90-2560, default 365).",
    }),
    rotation: rotation.meta({
      description:
        "Secret rotation: schedule (rate(N days), rate(N hours), cron(...) or days 1-1000; default rate(30 days)), optional duration window (1h-24h) and applicationVersion (pinned version of the AWS rotation applications, 1.1.671 or later: earlier ones run on retired Lambda runtimes).",
    }),
    alerts: alerts.prefault({}).meta({
      description:
        "Where rotation failures (EventBridge RotationFailed/RotationAbandoned/TestRotationFailed, rotation function errors) are reported: emails (subscribed to an SNS topic this program creates, encrypted with its own key), or topicArn (an existing topic). {} for the topic without subscriptions.",
    }),
    accessAnalyzer: accessAnalyzer.default("create").meta({
      description:
        "IAM Access Analyzer: create (an account analyzer in the central and every secret replica Region), none, or the ARN of an existing analyzer; or a map from each of those Regions to one of these (a Region left out is create). AWS allows one account analyzer per account and Region.",
    }),
    maxPendingPeerings: z
      .number()
      .int()
      .min(1, { error: `must be from 1 to ${QUOTAS.pendingPeeringRequests.maximum}` })
      .max(QUOTAS.pendingPeeringRequests.maximum, {
        error: `must be from 1 to ${QUOTAS.pendingPeeringRequests.maximum}`,
      })
      .default(QUOTAS.pendingPeeringRequests.defaultValue)
      .meta({
        description: `Pending (unaccepted) VPC peering requests central may have at once: AWS's quota "${QUOTAS.pendingPeeringRequests.name}" (${QUOTAS.pendingPeeringRequests.quotaCode}, default ${QUOTAS.pendingPeeringRequests.defaultValue}). Central requests peerings in rounds of this size.`,
      }),
    connectivity: connectivity.meta({
      description:
        "How central reaches the workload VPCs: peering (one VPC peering connection per workload; 50, at most 125, per VPC) or transit-gateway (one transit gateway in central shared through AWS RAM, one attachment per workload; same Region only). See docs/connectivity.md.",
    }),
    transitGateway: transitGateway.prefault({}).meta({
      description:
        "Transit gateway settings, read when connectivity is transit-gateway (any setting is refused in peering mode): optional amazonSideAsn (private ASN), summaryPrefixes (CIDRs covering every workload VPC and not the central one: central routes and rotation egress name these, a constant count), organizationArn (the organization of the workload accounts: the share and the secrets key name it), share (organization | organization-accounts | external-accounts: whom the RAM share names; default organization with organizationArn, else organization-accounts; see docs/connectivity.md). {} for the defaults.",
    }),
    protectStatefulResources: z.boolean().default(true).meta({
      description:
        "Protect keys, secrets and databases from replacement and deletion (turn off only in sandboxes).",
    }),
    tags: tags.default({}).meta({
      description: "Tags added to every taggable resource (map of strings).",
    }),
  })
  .superRefine((value, ctx) => {
    const report = (issue: Issue) =>
      ctx.addIssue({ code: "custom", ...issue, path: [...issue.path] });
    checkEnvironment(value, report);
  });

/** The environment as the schema parses it: a workload's shorthand keys still as written. */
export type ParsedEnvironment = z.output<typeof environmentSchema>;
export type Account = z.output<typeof account>;
type ParsedWorkload = ParsedEnvironment["workloads"][number];
type SecretSettings = ParsedWorkload["secret"];

/** One database of a workload, whichever way the file wrote it. */
export type Database = Omit<
  NonNullable<ParsedWorkload["database"]>,
  "allowFrom" | "instanceClass" | "allocatedStorage" | "multiAz"
> & {
  /** GiB of an RDS instance's storage: the value written, else 20. */
  readonly allocatedStorage: number;
  /** A standby of an RDS instance: the value written, else false. */
  readonly multiAz: boolean;
  /** The class written, else the engine's default ({@link DEFAULT_INSTANCE_CLASS}). */
  readonly instanceClass: string;
  /** Unique among the workload's databases and secrets. */
  readonly name: string;
  /**
   * Written as the `database:` shorthand, or listed under the shorthand's name
   * (`database`): its resources keep the names they had before `databases:` existed
   * (`<workload>-db`), so a file of an earlier release keeps its URNs, and moving its
   * database under `databases:` as `name: database` keeps them too.
   */
  readonly shorthand: boolean;
  readonly allowFrom: { readonly securityGroupIds: string[]; readonly cidrs: string[] };
  /** Its secret's settings: its own `secret`, else the workload's. */
  readonly secret: SecretSettings;
};

/** Who reads which secrets of a workload. */
export interface Reader {
  readonly name: string;
  /** A role created for these services; absent for an existing role. */
  readonly trustedServices?: readonly string[];
  /** An existing role of the workload's account. */
  readonly roleArn?: string;
  /** Names of the databases and secrets it reads. */
  readonly reads: readonly string[];
  /**
   * The `applicationRole:` shorthand (or its default), or a created reader listed under its
   * name (`app`): the role keeps its name `secrets-hub-<env>-<workload>-app` and its URN.
   */
  readonly shorthand: boolean;
}

export type PlainSecret = ParsedWorkload["secrets"][number];

/** A workload as the programs read it: its databases and readers as lists, whichever form. */
export type Workload = Omit<
  ParsedWorkload,
  "database" | "databases" | "applicationRole" | "readers"
> & {
  readonly databases: Database[];
  readonly readers: Reader[];
};

/** The environment as the programs read it (see {@link normalizeEnvironment}). */
export type Environment = Omit<ParsedEnvironment, "workloads"> & {
  readonly workloads: Workload[];
};

/**
 * The one form of a workload the programs read: `database:` becomes a one-entry
 * `databases:` named {@link SHORTHAND_DATABASE}, `applicationRole:` (or neither it nor
 * `readers:`) one created reader named {@link SHORTHAND_READER} reading every secret.
 */
export function normalizeEnvironment(parsed: ParsedEnvironment): Environment {
  return { ...parsed, workloads: parsed.workloads.map(normalizeWorkload) };
}

/** The instance class of a database that names none: RDS's smallest for the deployment. */
export const DEFAULT_INSTANCE_CLASS = {
  instance: "db.t4g.micro",
  cluster: "db.t4g.medium",
} as const;

/** The settings whose default depends on the engine, filled in. */
function sized<
  T extends {
    engine: Engine;
    instanceClass?: string;
    allocatedStorage?: number;
    multiAz?: boolean;
  },
>(db: T): T & { instanceClass: string; allocatedStorage: number; multiAz: boolean } {
  return {
    ...db,
    instanceClass: db.instanceClass ?? DEFAULT_INSTANCE_CLASS[ENGINE_SPECS[db.engine].deployment],
    allocatedStorage: db.allocatedStorage ?? ALLOCATED_STORAGE_DEFAULT,
    multiAz: db.multiAz ?? false,
  };
}

/** GiB of an RDS instance's gp3 storage when the file names none (RDS's minimum for gp3). */
export const ALLOCATED_STORAGE_DEFAULT = 20;

function normalizeWorkload(parsed: ParsedWorkload): Workload {
  const { database, databases, applicationRole, readers, ...rest } = parsed;
  const noAllowFrom = { securityGroupIds: [], cidrs: [] };
  const list: Database[] = database
    ? [
        {
          ...sized(database),
          name: SHORTHAND_DATABASE,
          shorthand: true,
          allowFrom: database.allowFrom ?? noAllowFrom,
          secret: parsed.secret,
        },
      ]
    : (databases ?? []).map(({ secret, ...db }) => ({
        ...sized(db),
        shorthand: db.name === SHORTHAND_DATABASE,
        allowFrom: db.allowFrom ?? noAllowFrom,
        secret: { ...parsed.secret, ...secret, tags: { ...parsed.secret.tags, ...secret?.tags } },
      }));
  const all = [...list.map((d) => d.name), ...parsed.secrets.map((s) => s.name)];
  return {
    ...rest,
    databases: list,
    readers: readers
      ? readers.map((r) => ({
          ...r,
          shorthand: r.name === SHORTHAND_READER && r.roleArn === undefined,
        }))
      : [
          {
            name: SHORTHAND_READER,
            trustedServices: applicationRole?.trustedServices ?? ["ec2.amazonaws.com"],
            reads: all,
            shorthand: true,
          },
        ],
  };
}

/** The keys an environment file may set under the project namespace. */
export const CONFIG_KEYS = Object.keys(environmentSchema.shape) as (keyof Environment)[];
