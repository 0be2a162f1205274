// Effective access: who can read which secret, evaluated from the policies the stacks
// declare (identity policy AND secret resource policy AND key policy, as AWS requires for
// a cross-account read of a secret encrypted with a customer-managed key).
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { deployed, devEnvironment, editedDevFile, ofType, one, policyOf } from "../harness";
import { environmentFromFile } from "../../src/config";
import type { Environment } from "../../src/config";
import type { StackRun } from "../../src/offline/runStack";

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: { AWS?: string | string[]; Service?: string | string[] };
  Condition?: Record<string, Record<string, string | string[]>>;
};

const list = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** IAM's wildcard match: `*` any run of characters, `?` exactly one. */
function matches(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`).test(value);
}

/** What a request carries that the policies test: its principal and its context keys. */
interface Request {
  action: string;
  resource?: string;
  /** The calling role's ARN (absent: an identity policy, which has no Principal). */
  principal?: string;
  /** Global and KMS condition keys of the request (aws:PrincipalOrgID, kms:ViaService, …). */
  context?: Record<string, string>;
}

/** Context keys of a role's request through Secrets Manager of `region`. */
function contextOf(role: string, region: string, organizationId?: string): Record<string, string> {
  const account = /::(\d{12}):/.exec(role)![1];
  return {
    "kms:ViaService": `secretsmanager.${region}.amazonaws.com`,
    "kms:CallerAccount": account,
    "aws:PrincipalAccount": account,
    "aws:PrincipalArn": role,
    ...(organizationId ? { "aws:PrincipalOrgID": organizationId } : {}),
  };
}

/**
 * IAM's evaluation of one policy's Allow statements (no Deny is written): the action, the
 * resource, the principal (a role, its account's root, or `*`) and every condition, each of
 * its keys matching one of its values. A condition key the request lacks fails, as in AWS;
 * an operator this evaluator does not know fails the test rather than being skipped.
 */
function allows(statements: Statement[], request: Request): boolean {
  return statements.some((s) => {
    if (s.Effect !== "Allow") return false;
    if (!list(s.Action).some((a) => matches(a, request.action))) return false;
    if (request.resource && !list(s.Resource).some((r) => matches(r, request.resource!)))
      return false;
    if (request.principal) {
      const principals = list(s.Principal?.AWS);
      const account = /::(\d{12}):/.exec(request.principal)?.[1];
      const ok = principals.some(
        (p) =>
          p === "*" || p === request.principal || (account && p === `arn:aws:iam::${account}:root`),
      );
      if (!ok) return false;
    }
    for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
      assert.equal(operator, "StringEquals", `condition operator ${operator} is not evaluated`);
      for (const [key, values] of Object.entries(keys)) {
        const actual = request.context?.[key];
        if (actual === undefined || !list(values).includes(actual)) return false;
      }
    }
    return true;
  });
}

interface Grant {
  role: string;
  secret: string;
}

/** A principal that may try to read: its label, role ARN and identity policy statements. */
interface Reader {
  label: string;
  role: string;
  identity: Statement[];
  /** An account outside the environment's organization. Default: a member. */
  outsider?: boolean;
}

/**
 * Every workload's reader roles (the shorthand's is labelled by the workload's name, a
 * listed reader `<workload>/<reader>`), each with the identity policies its stack declares
 * on that role (an inline policy names its role by name).
 */
function applicationReaders(env: Environment, runs: Map<string, StackRun>): Reader[] {
  return env.workloads.flatMap((w) => {
    const run = runs.get(`${env.environment}-${w.name}`)!;
    const roles = run.outputs.readerRoleArns as Record<string, string>;
    return Object.entries(roles).map(([reader, role]) => ({
      label: reader === "app" && w.readers[0]?.shorthand ? w.name : `${w.name}/${reader}`,
      role,
      identity: ofType(run, "aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs.role === role.slice(role.lastIndexOf("/") + 1))
        .flatMap((p) => policyOf(p).Statement as Statement[]),
    }));
  });
}

/** Every (reader, secret copy) pair that AWS would let read and decrypt. */
function effectiveReads(
  env: Environment,
  runs: Map<string, StackRun>,
  readers: Reader[] = applicationReaders(env, runs),
): Grant[] {
  const central = runs.get(`${env.environment}-central`)!;
  const secrets = ofType(central, "aws:secretsmanager/secret:Secret");
  const policies = ofType(central, "aws:secretsmanager/secretPolicy:SecretPolicy");
  const keys = [
    ...ofType(central, "aws:kms/key:Key").filter((k) => k.name === "secrets-key"),
    ...ofType(central, "aws:kms/replicaKey:ReplicaKey"),
  ];
  const keyArns = {
    [env.central.region]: central.outputs.kmsKeyArn as string,
    ...(central.outputs.replicaKmsKeyArns as Record<string, string>),
  };
  // Every workload account is a member of the organization the environment names.
  const organization = env.transitGateway.organizationArn?.split("/").pop();
  const grants: Grant[] = [];
  for (const { label: reader, role, identity, outsider } of readers) {
    for (const secret of secrets) {
      const name = String(secret.inputs.name);
      const label = secret.name.replace(/-secret$/, "");
      // No resource policy: no cross-account principal can read it.
      const resourcePolicy = policies.find((p) =>
        (p.propertyDependencies.secretArn ?? []).includes(secret.urn),
      );
      const copies = [
        env.central.region,
        ...list(secret.inputs.replicas as { region: string }[]).map((r) => r.region),
      ];
      for (const region of copies) {
        // Secrets Manager appends six random characters to the name in the ARN.
        const arn = `arn:aws:secretsmanager:${region}:${env.central.accountId}:secret:${name}-Ab12Cd`;
        const context = contextOf(role, region, outsider ? undefined : organization);
        const key = keys.find((k) => (k.inputs.region ?? env.central.region) === region)!;
        const read =
          resourcePolicy !== undefined &&
          allows(identity, { action: "secretsmanager:GetSecretValue", resource: arn, context }) &&
          allows(policyOf(resourcePolicy).Statement, {
            action: "secretsmanager:GetSecretValue",
            principal: role,
            context,
          }) &&
          allows(identity, { action: "kms:Decrypt", resource: keyArns[region], context }) &&
          allows(policyOf(key).Statement, { action: "kms:Decrypt", principal: role, context });
        if (read) grants.push({ role: reader, secret: `${label}@${region}` });
      }
    }
  }
  return grants;
}

/** An identity policy that allows everything a reader could ask for, on every resource. */
const ANYTHING: Statement[] = [
  { Effect: "Allow", Action: ["secretsmanager:*", "kms:*"], Resource: "*" },
];

describe("effective access to the secrets", () => {
  it("dev: each application role reads its own secret, in its Region and the DR Region, and nothing else", async () => {
    const env = devEnvironment();
    const { runs } = await deployed(env);
    assert.deepEqual(effectiveReads(env, runs), [
      { role: "workload-a", secret: "workload-a-db@us-east-1" },
      { role: "workload-a", secret: "workload-a-db@us-west-2" },
      { role: "workload-b", secret: "workload-b-db@us-east-1" },
      { role: "workload-b", secret: "workload-b-db@us-west-2" },
      { role: "workload-c", secret: "workload-c-db@us-east-1" },
      { role: "workload-c", secret: "workload-c-db@us-west-2" },
    ]);
  });

  it("@slow adopted and multi-user: each role reads its own application secret, never a master secret", async () => {
    const env = environmentFromFile(path.join(__dirname, "..", "..", "Pulumi.adopt.yaml"));
    const { runs } = await deployed(env);
    assert.ok(
      ofType(runs.get("adopt-central")!, "aws:secretsmanager/secret:Secret").some((s) =>
        s.name.includes("master"),
      ),
    );
    assert.deepEqual(effectiveReads(env, runs), [
      { role: "orders", secret: "orders-db@us-east-1" },
      { role: "orders", secret: "orders-db@us-west-2" },
      { role: "catalog", secret: "catalog-db@us-east-1" },
      { role: "catalog", secret: "catalog-db@us-west-2" },
    ]);
  });

  it("@slow cross-region: a workload in a third Region reads the replica in its own Region", async () => {
    const env = environmentFromFile(
      editedDevFile((c) => {
        const [, b, w] = c["secrets-hub:workloads"];
        b.region = "eu-west-1";
        b.availabilityZones = ["eu-west-1a", "eu-west-1b"];
        w.region = "us-west-2";
        w.availabilityZones = ["us-west-2a", "us-west-2b"];
      }),
    );
    const { runs, converged } = await deployed(env);
    assert.equal(converged, true);
    const central = runs.get("dev-central")!;
    // A replica key in every Region that holds a secret copy: DR, then eu-west-1.
    assert.deepEqual(
      ofType(central, "aws:kms/replicaKey:ReplicaKey").map((k) => k.inputs.region),
      ["us-west-2", "eu-west-1"],
    );
    const secretB = ofType(central, "aws:secretsmanager/secret:Secret").find(
      (s) => s.name === "workload-b-db-secret",
    )!;
    assert.deepEqual(
      (secretB.inputs.replicas as { region: string }[]).map((r) => r.region),
      ["us-west-2", "eu-west-1"],
    );
    // The peering crosses Regions.
    const peering = ofType(central, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection").find((p) =>
      p.name.startsWith("workload-b-"),
    )!;
    assert.equal(peering.inputs.peerRegion, "eu-west-1");
    // b's application reads in eu-west-1 (its endpoint's Region) and the DR copy; c lives in
    // the DR Region and reads there; a reads the primary and the DR copy.
    assert.deepEqual(effectiveReads(env, runs), [
      { role: "workload-a", secret: "workload-a-db@us-east-1" },
      { role: "workload-a", secret: "workload-a-db@us-west-2" },
      { role: "workload-b", secret: "workload-b-db@us-west-2" },
      { role: "workload-b", secret: "workload-b-db@eu-west-1" },
      { role: "workload-c", secret: "workload-c-db@us-west-2" },
    ]);
    assert.match(
      String(
        (runs.get("dev-workload-b")!.outputs.secretArnPatterns as Record<string, string>).database,
      ),
      /^arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev\/workload-b\/catalog-db-\?{6}$/,
    );
    // The rotation functions may write every replica: both replica keys are granted.
    for (const grant of ofType(central, "aws:iam/rolePolicy:RolePolicy")) {
      const regions = (policyOf(grant).Statement as Statement[]).map(
        (s) => list(s.Condition?.StringEquals?.["kms:ViaService"])[0],
      );
      assert.deepEqual(regions, [
        "secretsmanager.us-west-2.amazonaws.com",
        "secretsmanager.eu-west-1.amazonaws.com",
      ]);
    }
  });

  /**
   * The key policy grants whole accounts (or the organization): the secret resource policies
   * alone keep each secret to its one role. Readers with an identity policy that allows
   * everything: every application role, another role in each workload account, a role of
   * an account outside the environment.
   */
  function greedyReaders(env: Environment, runs: Map<string, StackRun>): Reader[] {
    return [
      ...applicationReaders(env, runs).map((r) => ({ ...r, identity: ANYTHING })),
      ...env.workloads.map((w) => ({
        label: `${w.name}/other`,
        role: `arn:aws:iam::${w.accountId}:role/other`,
        identity: ANYTHING,
      })),
      {
        label: "outsider",
        role: "arn:aws:iam::999999999999:role/reader",
        identity: ANYTHING,
        outsider: true,
      },
    ];
  }

  it("dev, account grants: no role reads another's secret, even allowed everything by its own account", async () => {
    const env = devEnvironment();
    const { runs } = await deployed(env);
    const key = policyOf(one(runs.get("dev-central")!, "aws:kms/key:Key", "secrets-key"));
    assert.deepEqual(key.Statement[1].Condition.StringEquals["kms:CallerAccount"], [
      "222222222222",
      "333333333333",
      "444444444444",
    ]);
    assert.deepEqual(effectiveReads(env, runs, greedyReaders(env, runs)), [
      { role: "workload-a", secret: "workload-a-db@us-east-1" },
      { role: "workload-a", secret: "workload-a-db@us-west-2" },
      { role: "workload-b", secret: "workload-b-db@us-east-1" },
      { role: "workload-b", secret: "workload-b-db@us-west-2" },
      { role: "workload-c", secret: "workload-c-db@us-east-1" },
      { role: "workload-c", secret: "workload-c-db@us-west-2" },
    ]);
  });

  /** What the estate file says each reader reads: every copy of each secret it names. */
  function intendedReads(env: Environment): Grant[] {
    const grants: Grant[] = [];
    for (const w of env.workloads) {
      for (const reader of w.readers) {
        for (const name of reader.reads) {
          const label = w.databases.some((d) => d.name === name)
            ? `${w.name}-${name}-db`
            : `${w.name}-${name}-secret`;
          for (const region of [env.central.region, env.replicaRegion])
            grants.push({ role: `${w.name}/${reader.name}`, secret: `${label}@${region}` });
        }
      }
    }
    return grants;
  }

  const byRoleAndSecret = (a: Grant, b: Grant) =>
    `${a.role} ${a.secret}`.localeCompare(`${b.role} ${b.secret}`);

  it("@slow estate: each reader, created or existing, reads exactly the secrets it names, and no one reads a master secret", async () => {
    const env = environmentFromFile(path.join(__dirname, "..", "..", "Pulumi.estate.yaml"));
    const { runs } = await deployed(env);
    const expected = intendedReads(env).sort(byRoleAndSecret);
    // payments: api 3 + reporting 1, catalog: web 2 + indexer 3; each in two Regions.
    assert.equal(expected.length, 18);
    assert.deepEqual(effectiveReads(env, runs).sort(byRoleAndSecret), expected);
    // Allowed everything by their own accounts, the readers, another role of each workload
    // account and an outsider still read only what the secret policies name.
    assert.deepEqual(
      effectiveReads(env, runs, greedyReaders(env, runs)).sort(byRoleAndSecret),
      expected,
    );
    // Each reader's identity policy names exactly its secrets' ARN patterns, in its Region
    // and the DR Region, and nothing else.
    for (const w of env.workloads) {
      const run = runs.get(`${env.environment}-${w.name}`)!;
      const roles = run.outputs.readerRoleArns as Record<string, string>;
      for (const reader of w.readers) {
        const roleName = roles[reader.name].slice(roles[reader.name].lastIndexOf("/") + 1);
        const policy = ofType(run, "aws:iam/rolePolicy:RolePolicy").find(
          (p) => p.inputs.role === roleName,
        )!;
        const names = reader.reads.map(
          (n) => [...w.databases, ...w.secrets].find((d) => d.name === n)!.secretName,
        );
        assert.deepEqual(
          [...list(policyOf(policy).Statement[0].Resource as string[])].sort(),
          [env.central.region, env.replicaRegion]
            .flatMap((r) =>
              names.map(
                (n) => `arn:aws:secretsmanager:${r}:${env.central.accountId}:secret:${n}-??????`,
              ),
            )
            .sort(),
        );
      }
      // The existing role keeps its own lifecycle: no role of that name is created.
      for (const reader of w.readers.filter((r) => r.roleArn)) {
        assert.ok(
          !ofType(run, "aws:iam/role:Role").some(
            (r) => r.inputs.name === reader.roleArn!.split("/").pop(),
          ),
        );
      }
    }
  });

  it("@slow transit gateway shared with the organization: the key names the organization once; each role still reads only its own secret", async () => {
    const organizationArn = "arn:aws:organizations::111111111111:organization/o-abcdefghij";
    const env = environmentFromFile(
      editedDevFile((c) => {
        c["secrets-hub:connectivity"] = "transit-gateway";
        c["secrets-hub:transitGateway"] = { organizationArn };
      }),
    );
    const { runs, converged } = await deployed(env);
    assert.equal(converged, true);
    const central = runs.get("dev-central")!;
    for (const key of [
      one(central, "aws:kms/key:Key", "secrets-key"),
      one(central, "aws:kms/replicaKey:ReplicaKey"),
    ]) {
      const grant = (policyOf(key).Statement as Statement[])[1];
      assert.deepEqual(grant.Principal, { AWS: "*" });
      assert.equal(grant.Condition?.StringEquals?.["aws:PrincipalOrgID"], "o-abcdefghij");
      assert.match(
        String(grant.Condition?.StringEquals?.["kms:ViaService"]),
        /^secretsmanager\.us-(east-1|west-2)\.amazonaws\.com$/,
      );
      assert.equal(grant.Condition?.StringEquals?.["kms:CallerAccount"], undefined);
    }
    const own = [
      { role: "workload-a", secret: "workload-a-db@us-east-1" },
      { role: "workload-a", secret: "workload-a-db@us-west-2" },
      { role: "workload-b", secret: "workload-b-db@us-east-1" },
      { role: "workload-b", secret: "workload-b-db@us-west-2" },
      { role: "workload-c", secret: "workload-c-db@us-east-1" },
      { role: "workload-c", secret: "workload-c-db@us-west-2" },
    ];
    assert.deepEqual(effectiveReads(env, runs), own);
    assert.deepEqual(effectiveReads(env, runs, greedyReaders(env, runs)), own);
  });
});
