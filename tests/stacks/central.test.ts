import * as assert from "node:assert/strict";
import {
  deployed,
  deployedStack,
  devEnvironment,
  editedDevFile,
  ofType,
  one,
  policyOf,
  runStackOf,
} from "../harness";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseEndpoint } from "../../components/database";
import { environmentFromFile } from "../../src/config";
import { secretDocument } from "../../src/stacks/central";
import type { RecordedResource, StackRun } from "../../src/offline/runStack";

const env = devEnvironment();
const ROLE = (name: string, account: string) =>
  `arn:aws:iam::${account}:role/secrets-hub-dev-${name}-app`;

describe("central stack", () => {
  const workloads: Record<string, StackRun> = {};
  let central: StackRun;

  // Central as it stands after every phase (its secrets and rotation exist once the
  // workloads have accepted their peerings), and each workload's final run.
  before(async () => {
    for (const w of env.workloads)
      workloads[`dev-${w.name}`] = await deployedStack(env, `dev-${w.name}`);
    central = await deployedStack(env, "dev-central");
  });

  const byWorkload = (type: string, workload: string): RecordedResource[] =>
    ofType(central, type).filter((r) => r.name.startsWith(`${workload}-`));

  it("registers, per workload, one secret with a replica, one policy, one rotation, one peering and its routes", () => {
    for (const w of env.workloads) {
      assert.equal(byWorkload("aws:secretsmanager/secret:Secret", w.name).length, 1, w.name);
      assert.equal(byWorkload("aws:secretsmanager/secretPolicy:SecretPolicy", w.name).length, 1);
      assert.equal(
        byWorkload("aws:secretsmanager/secretRotation:SecretRotation", w.name).length,
        1,
      );
      assert.equal(
        byWorkload("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", w.name).length,
        1,
      );
      const routes = byWorkload("aws:ec2/route:Route", w.name);
      assert.equal(routes.length, env.central.availabilityZones.length);
      for (const r of routes) assert.equal(r.inputs.destinationCidrBlock, w.vpcCidr);
    }
    assert.equal(ofType(central, "aws:secretsmanager/secret:Secret").length, 3);
    // One account analyzer in each Region that holds secrets: central and the DR replica.
    const analyzers = ofType(central, "aws-native:accessanalyzer:Analyzer");
    assert.equal(analyzers.length, 2);
    const regions = analyzers.map(
      (a) => central.resources.find((p) => a.provider.startsWith(`${p.urn}::`))?.inputs.region,
    );
    assert.deepEqual(regions.sort(), ["us-east-1", "us-west-2"]);
  });

  it("the CMK is symmetric, rotating, multi-Region, with a replica in the replica region", () => {
    const key = one(central, "aws:kms/key:Key", "secrets-key");
    assert.equal(key.inputs.keyUsage, "ENCRYPT_DECRYPT");
    assert.equal(key.inputs.customerMasterKeySpec, "SYMMETRIC_DEFAULT");
    assert.equal(key.inputs.enableKeyRotation, true);
    assert.equal(key.inputs.multiRegion, true);
    assert.equal(key.inputs.deletionWindowInDays, 30);
    assert.equal(key.inputs.bypassPolicyLockoutSafetyCheck, false);
    const replica = one(central, "aws:kms/replicaKey:ReplicaKey");
    assert.equal(replica.inputs.region, "us-west-2");
    assert.equal(replica.inputs.primaryKeyArn, central.outputs.kmsKeyArn);
  });

  it("the key policies grant the workload accounts only Decrypt/DescribeKey via Secrets Manager of their region", () => {
    for (const [resource, region] of [
      [one(central, "aws:kms/key:Key", "secrets-key"), "us-east-1"],
      [one(central, "aws:kms/replicaKey:ReplicaKey"), "us-west-2"],
    ] as const) {
      const doc = policyOf(resource);
      const sids = doc.Statement.map((s: { Sid: string }) => s.Sid);
      // Root administration delegates to IAM in the owner account (the rotation roles get
      // their key rights from IAM); a root principal with an aws:PrincipalArn condition
      // would grant nothing more, so there is none.
      assert.deepEqual(sids, [
        "AccountRootAdministration",
        "WorkloadAccountsDecryptViaSecretsManager",
      ]);
      for (const s of doc.Statement)
        assert.ok(!JSON.stringify(s.Condition ?? {}).includes("aws:PrincipalArn"), s.Sid);
      const [root, workloads] = doc.Statement;
      assert.deepEqual(root.Principal, { AWS: "arn:aws:iam::111111111111:root" });
      // The wildcard principal, narrowed to the workload accounts and to Secrets Manager of
      // the key's Region: the policy grows by an account id, not a role ARN, per workload.
      assert.deepEqual(workloads.Principal, { AWS: "*" });
      assert.deepEqual(workloads.Action, ["kms:Decrypt", "kms:DescribeKey"]);
      assert.deepEqual(workloads.Condition, {
        StringEquals: {
          "kms:ViaService": `secretsmanager.${region}.amazonaws.com`,
          "kms:CallerAccount": ["222222222222", "333333333333", "444444444444"],
        },
      });
    }
  });

  it("every secret and every replica uses the CMK / replica key, recovery window >= 7", () => {
    for (const secret of ofType(central, "aws:secretsmanager/secret:Secret")) {
      assert.equal(secret.inputs.kmsKeyId, central.outputs.kmsKeyArn);
      assert.deepEqual(secret.inputs.replicas, [
        { region: "us-west-2", kmsKeyId: central.outputs.replicaKmsKeyArn },
      ]);
      assert.ok(Number(secret.inputs.recoveryWindowInDays) >= 7);
      assert.equal(secret.protect, true);
    }
    assert.equal(one(central, "aws:kms/key:Key", "secrets-key").protect, true);
    assert.equal(one(central, "aws:kms/replicaKey:ReplicaKey").protect, true);
  });

  it("each resource policy names its workload's role alone and blocks public policies", () => {
    for (const w of env.workloads) {
      const policy = byWorkload("aws:secretsmanager/secretPolicy:SecretPolicy", w.name)[0];
      assert.equal(policy.inputs.blockPublicPolicy, true);
      const doc = policyOf(policy);
      assert.equal(doc.Statement.length, 1);
      assert.deepEqual(doc.Statement[0].Principal, { AWS: ROLE(w.name, w.accountId) });
      assert.deepEqual(doc.Statement[0].Action, [
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
      ]);
    }
  });

  it("the first value is the rotation JSON, secret in state, never reverted after rotation", () => {
    const version = byWorkload("aws:secretsmanager/secretVersion:SecretVersion", "workload-b")[0];
    assert.deepEqual(version.secretInputs, ["secretString"]);
    assert.equal(version.inputs.secretString, "[secret]");
    // Rotation owns the value and the AWSCURRENT label: a re-run rewrites neither.
    assert.deepEqual(version.ignoreChanges, ["secretString", "versionStages"]);
    // A labelled first version is never deprecated, so Secrets Manager never deletes it and
    // a refresh never drops it from state (which would make the next up write it again).
    assert.deepEqual(version.inputs.versionStages, ["AWSCURRENT", "SECRETS_HUB_INITIAL"]);
    assert.ok(version.additionalSecretOutputs.includes("secretString"));
    assert.equal(version.protect, true);
    assert.ok(
      !JSON.stringify(central.resources).includes(
        String(workloads["dev-workload-b"].outputs.databaseInitialPassword),
      ),
    );
  });

  it("endpoint: private DNS on, every private subnet, 443 only from the rotation security group", () => {
    const endpoint = one(central, "aws:ec2/vpcEndpoint:VpcEndpoint");
    assert.equal(endpoint.inputs.privateDnsEnabled, true);
    assert.equal(endpoint.inputs.vpcEndpointType, "Interface");
    assert.equal(
      (endpoint.inputs.subnetIds as string[]).length,
      ofType(central, "aws:ec2/subnet:Subnet").length,
    );
    const ingress = ofType(central, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    assert.equal(ingress.length, 1);
    assert.equal(ingress[0].inputs.fromPort, 443);
    assert.equal(ingress[0].inputs.toPort, 443);
    assert.equal(ingress[0].inputs.cidrIpv4, undefined);
    const rotationSg = one(central, "aws:ec2/securityGroup:SecurityGroup", "rotation");
    assert.ok(ingress[0].propertyDependencies.referencedSecurityGroupId.includes(rotationSg.urn));
  });

  it("rotation applications: by engine, pinned, in the VPC, with the KMS key and the regional endpoint", () => {
    const apps = ofType(
      central,
      "aws:serverlessrepository/cloudFormationStack:CloudFormationStack",
    );
    assert.deepEqual(apps.map((a) => String(a.inputs.applicationId).split("/").pop()).sort(), [
      "SecretsManagerRDSMySQLRotationSingleUser",
      "SecretsManagerRDSPostgreSQLRotationSingleUser",
    ]);
    for (const app of apps) {
      assert.equal(app.inputs.semanticVersion, "1.1.671");
      assert.deepEqual(app.inputs.capabilities, ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"]);
      const p = app.inputs.parameters as Record<string, string>;
      assert.equal(p.endpoint, "https://secretsmanager.us-east-1.amazonaws.com");
      assert.equal(p.kmsKeyArn, central.outputs.kmsKeyArn);
      assert.equal(p.vpcSubnetIds.split(",").length, 2);
      assert.match(p.vpcSecurityGroupIds, /^sg-/);
      assert.equal(p.functionName, app.inputs.name);
    }
    const egress = ofType(central, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map(
      (r) => [r.inputs.cidrIpv4, r.inputs.fromPort],
    );
    assert.deepEqual(egress.sort(), [
      ["10.0.0.0/20", 443],
      ["10.0.16.0/20", 443],
      ["10.1.0.0/16", 5432],
      ["10.2.0.0/16", 3306],
      ["10.3.0.0/16", 5432],
    ]);
  });

  it("one schedule per secret, rate(30 days) with the configured window, using the matching application's ARN", () => {
    for (const w of env.workloads) {
      const rotation = byWorkload("aws:secretsmanager/secretRotation:SecretRotation", w.name)[0];
      assert.deepEqual(rotation.inputs.rotationRules, {
        scheduleExpression: "rate(30 days)",
        duration: "3h",
      });
      const engine = w.databases[0].engine === "postgres" ? "postgres" : "mysql";
      assert.equal(
        rotation.inputs.rotationLambdaArn,
        `arn:aws:lambda:us-east-1:111111111111:function:secrets-hub-dev-rotation-${engine}-single`,
      );
    }
  });

  it("peering requests are cross-account to each workload VPC", () => {
    for (const w of env.workloads) {
      const peering = byWorkload("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", w.name)[0];
      assert.equal(peering.inputs.peerOwnerId, w.accountId);
      assert.equal(peering.inputs.peerRegion, w.region);
      assert.equal(peering.inputs.peerVpcId, workloads[`dev-${w.name}`].outputs.vpcId);
      assert.equal(peering.inputs.autoAccept, false);
    }
  });

  it("exports exactly the central contract", () => {
    assert.deepEqual(Object.keys(central.outputs).sort(), [
      "accountId",
      "kmsKeyArn",
      "peeringConnectionIds",
      "region",
      "replicaKmsKeyArn",
      "replicaKmsKeyArns",
      "replicaSecretArns",
      "rotationSubnetCidrs",
      "secretArns",
      "vpcCidr",
      "vpcId",
      "workloadSecretArns",
    ]);
    const replicas = central.outputs.replicaSecretArns as Record<string, string>;
    assert.match(
      replicas["workload-a"],
      /^arn:aws:secretsmanager:us-west-2:111111111111:secret:dev\/workload-a\/orders-db-/,
    );
    assert.deepEqual(central.secretOutputNames, []);
  });

  it("skips a workload that has not exported its VPC yet, with a warning", async () => {
    const partial = { ...workloads };
    delete partial["dev-workload-b"];
    const run = await runStackOf(env, "dev-central", partial);
    assert.equal(ofType(run, "aws:secretsmanager/secret:Secret").length, 2);
    assert.equal(run.resources.filter((r) => r.name.startsWith("workload-b-")).length, 0);
    assert.ok(
      run.warnings.some(
        (w) => w.includes("dev-workload-b has not exported") && w.includes("vpcId"),
      ),
    );
    const keyDoc = policyOf(one(run, "aws:kms/key:Key", "secrets-key"));
    assert.ok(!JSON.stringify(keyDoc).includes("workload-b"));
    assert.deepEqual(Object.keys(run.outputs.secretArns as object).sort(), [
      "workload-a",
      "workload-c",
    ]);
  });

  it("accessAnalyzer per Region: an analyzer only where the map says create, under the names the one value gives", async () => {
    const analyzers = async (value: unknown) => {
      const custom = environmentFromFile(
        editedDevFile((c) => (c["secrets-hub:accessAnalyzer"] = value)),
      );
      const run = await runStackOf(custom, "dev-central");
      return ofType(run, "aws-native:accessanalyzer:Analyzer").map((a) => [
        a.urn,
        run.resources.find((p) => a.provider.startsWith(`${p.urn}::`))?.inputs.region,
      ]);
    };
    const single = await analyzers("create");
    assert.deepEqual(
      single.map(([urn, region]) => [String(urn).split("::").pop(), region]),
      [
        ["access-analyzer", "us-east-1"],
        ["access-analyzer-us-west-2", "us-west-2"],
      ],
    );
    assert.deepEqual(await analyzers({ "us-east-1": "create", "us-west-2": "create" }), single);
    assert.deepEqual(
      await analyzers({
        "us-east-1": "arn:aws:access-analyzer:us-east-1:111111111111:analyzer/org-baseline",
      }),
      [single[1]],
    );
  });

  it("with no workload ready, still builds key, network, endpoint and analyzer, without workload grants", async () => {
    const run = await runStackOf(env, "dev-central");
    assert.equal(ofType(run, "aws:secretsmanager/secret:Secret").length, 0);
    assert.equal(policyOf(one(run, "aws:kms/key:Key", "secrets-key")).Statement.length, 1);
    assert.equal(ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").length, 1);
    // No rotation function yet, so nothing to alert on.
    assert.equal(
      ofType(run, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack").length,
      0,
    );
    assert.equal(ofType(run, "aws:cloudwatch/eventRule:EventRule").length, 0);
    assert.equal(run.warnings.filter((w) => w.includes("has not exported")).length, 3);
  });

  it("adds each workload's secret and rotation in a step after its accepter and return routes", async () => {
    const { steps } = await deployed(env);
    const stepOf = (match: (urn: string) => boolean) => steps.findIndex((s) => s.adds.some(match));
    for (const w of env.workloads) {
      const accepter = stepOf(
        (u) => u.includes("VpcPeeringConnectionAccepter::") && u.includes(`::${w.name}-peering`),
      );
      const rotation = stepOf(
        (u) => u.includes("SecretRotation::") && u.includes(`::${w.name}-db-rotation`),
      );
      const secret = stepOf(
        (u) => u.includes("secretsmanager/secret:Secret::") && u.includes(`::${w.name}-db-secret`),
      );
      assert.ok(accepter >= 0 && rotation > accepter, `${w.name}: ${accepter} < ${rotation}`);
      assert.equal(steps[accepter].stack, `dev-${w.name}`);
      assert.ok(steps[accepter].adds.some((u) => u.includes("aws:ec2/route:Route::")));
      assert.equal(secret, rotation, `${w.name}: the secret comes with its rotation`);
    }
  });

  it("phase 2 (workloads not accepted yet): peering requests and rotation functions, no secret and no rotation", async () => {
    const phase1: Record<string, StackRun> = {};
    for (const w of env.workloads) phase1[`dev-${w.name}`] = await runStackOf(env, `dev-${w.name}`);
    const run = await runStackOf(env, "dev-central", phase1);
    assert.equal(ofType(run, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection").length, 3);
    assert.equal(
      ofType(run, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack").length,
      2,
    );
    assert.equal(ofType(run, "aws:secretsmanager/secret:Secret").length, 0);
    assert.equal(ofType(run, "aws:secretsmanager/secretRotation:SecretRotation").length, 0);
    assert.ok(run.warnings.some((w) => w.includes("peering requested, not accepted yet")));
  });

  it("@slow keeps at most maxPendingPeerings requests unaccepted, in file order, and says who waits", async () => {
    const paced = environmentFromFile(
      editedDevFile((c) => (c["secrets-hub:maxPendingPeerings"] = 2)),
    );
    const phase1: Record<string, StackRun> = {};
    for (const w of paced.workloads)
      phase1[`dev-${w.name}`] = await runStackOf(paced, `dev-${w.name}`);
    const run = await runStackOf(paced, "dev-central", phase1);
    const requests = ofType(run, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
    assert.deepEqual(requests.map((r) => r.name.replace(/-peering.*/, "")).sort(), [
      "workload-a",
      "workload-b",
    ]);
    assert.ok(run.warnings.some((w) => w.includes("wait for a peering request (workload-c)")));
    // Once a and b have accepted, c gets its request and a and b their secrets.
    const all = await deployed(paced);
    const final = all.runs.get("dev-central")!;
    assert.equal(ofType(final, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection").length, 3);
    assert.equal(ofType(final, "aws:secretsmanager/secret:Secret").length, 3);
    assert.equal(all.converged, true);
  });

  it("gives each rotation function's role the replica keys, found through the function the application created", () => {
    const grants = ofType(central, "aws:iam/rolePolicy:RolePolicy");
    assert.equal(grants.length, 2);
    for (const grant of grants) {
      // The role is the one getFunction reports for the application's RotationLambdaARN.
      // (The mock answers as CloudFormation names roles: stack name truncated, logical id, suffix.)
      assert.match(
        String(grant.inputs.role),
        /^serverlessrepo-secrets-hub-dev[a-z-]*-LambdaRole-[A-Z0-9]{12}$/,
      );
      const doc = policyOf(grant);
      assert.equal(doc.Statement.length, 1);
      const [statement] = doc.Statement;
      assert.equal(statement.Resource, (central.outputs.replicaKmsKeyArns as any)["us-west-2"]);
      assert.deepEqual(statement.Action, [
        "kms:GenerateDataKey",
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:DescribeKey",
      ]);
      assert.deepEqual(statement.Condition, {
        StringEquals: { "kms:ViaService": "secretsmanager.us-west-2.amazonaws.com" },
      });
    }
  });

  it("alerts on rotation failures: EventBridge rule and function alarms to a topic on its own CMK", () => {
    const rule = one(central, "aws:cloudwatch/eventRule:EventRule");
    const pattern = JSON.parse(String(rule.inputs.eventPattern));
    assert.deepEqual(pattern.source, ["aws.secretsmanager"]);
    assert.ok(pattern.detail.eventName.includes("RotationFailed"));
    assert.ok(pattern.detail.eventName.includes("RotationAbandoned"));
    const topic = one(central, "aws:sns/topic:Topic");
    const target = one(central, "aws:cloudwatch/eventTarget:EventTarget");
    assert.ok(target.propertyDependencies.arn.includes(topic.urn));
    const alertKey = ofType(central, "aws:kms/key:Key").find((k) =>
      topic.propertyDependencies.kmsMasterKeyId.includes(k.urn),
    )!;
    assert.ok(alertKey, "the topic is encrypted with a key of this stack");
    assert.equal(alertKey.inputs.enableKeyRotation, true);
    const statements = policyOf(alertKey).Statement as any[];
    const granted = (service: string) => statements.filter((s) => s.Principal?.Service === service);
    // EventBridge publishing to an encrypted topic does not support aws:Source* in the key
    // policy (SNS Developer Guide); the topic policy's aws:SourceArn limits the rule instead.
    const [events] = granted("events.amazonaws.com");
    assert.deepEqual(events.Action, ["kms:GenerateDataKey*", "kms:Decrypt"]);
    assert.equal(events.Condition, undefined);
    assert.ok(!JSON.stringify(statements).includes("aws:SourceArn"));
    assert.equal(granted("events.amazonaws.com").length, 1);
    const [cloudwatch] = granted("cloudwatch.amazonaws.com");
    assert.deepEqual(cloudwatch.Condition, {
      StringEquals: { "aws:SourceAccount": "111111111111" },
    });
    const topicPolicy = policyOf(one(central, "aws:sns/topicPolicy:TopicPolicy"));
    const fromRule = topicPolicy.Statement.find(
      (s: any) => s.Principal.Service === "events.amazonaws.com",
    );
    assert.deepEqual(Object.keys(fromRule.Condition), ["ArnEquals"]);
    assert.match(
      fromRule.Condition.ArnEquals["aws:SourceArn"],
      /^arn:aws:events:us-east-1:111111111111:rule\/secrets-hub-dev-rotation-failed$/,
    );
    assert.deepEqual(pattern["detail-type"].sort(), [
      "AWS API Call via CloudTrail",
      "AWS Service Event via CloudTrail",
    ]);
    const alarms = ofType(central, "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.deepEqual(alarms.map((a) => (a.inputs.dimensions as any).FunctionName).sort(), [
      "secrets-hub-dev-rotation-mysql-single",
      "secrets-hub-dev-rotation-postgres-single",
    ]);
    for (const a of alarms) assert.equal(a.inputs.metricName, "Errors");
  });

  it("@slow publishes to an existing topic when alerts.topicArn is set, and creates no analyzer when told", async () => {
    const topicArn = "arn:aws:sns:us-east-1:111111111111:security-alerts";
    const custom = environmentFromFile(
      editedDevFile((c) => {
        c["secrets-hub:alerts"] = { topicArn };
        c["secrets-hub:accessAnalyzer"] = "none";
      }),
    );
    const run = await deployedStack(custom, "dev-central");
    assert.equal(ofType(run, "aws:sns/topic:Topic").length, 0);
    assert.equal(one(run, "aws:cloudwatch/eventTarget:EventTarget").inputs.arn, topicArn);
    assert.equal(ofType(run, "aws-native:accessanalyzer:Analyzer").length, 0);
    assert.equal(ofType(run, "aws:kms/key:Key").length, 1);
  });

  it("a secret with its own rotation function: central's invoke permission for that secret only, through central's aws provider", async () => {
    const lambdaArn = "arn:aws:lambda:us-east-1:111111111111:function:rotate-stripe";
    const custom = environmentFromFile(
      editedDevFile((c) => {
        c["secrets-hub:workloads"][0].secrets = [
          { name: "stripe", secretName: "dev/a/stripe", rotation: { lambdaArn }, valuePut: true },
        ];
      }),
    );
    const run = await deployedStack(custom, "dev-central");
    const permission = one(
      run,
      "aws:lambda/permission:Permission",
      "workload-a-stripe-secret-invoke",
    );
    assert.equal(permission.inputs.function, lambdaArn);
    assert.equal(permission.inputs.principal, "secretsmanager.amazonaws.com");
    assert.match(String(permission.inputs.sourceArn), /:secret:dev\/a\/stripe-\?{6}$/);
    assert.match(permission.provider, /\$pulumi:providers:aws::central-aws::/);
    const rotation = one(
      run,
      "aws:secretsmanager/secretRotation:SecretRotation",
      "workload-a-stripe-secret-rotation",
    );
    assert.equal(rotation.inputs.rotationLambdaArn, lambdaArn);
    assert.ok(rotation.dependencies.includes(permission.urn), "rotation waits for the permission");
  });

  it("@slow a sandbox environment may relax protection; the default protects keys, secrets and databases", async () => {
    const sandbox = environmentFromFile(
      editedDevFile((c) => (c["secrets-hub:protectStatefulResources"] = false)),
    );
    const w = await deployedStack(sandbox, "dev-workload-a");
    const c = await deployedStack(sandbox, "dev-central");
    for (const type of [
      "aws:kms/key:Key",
      "aws:kms/replicaKey:ReplicaKey",
      "aws:secretsmanager/secret:Secret",
    ]) {
      for (const r of ofType(c, type)) assert.equal(r.protect, false, type);
    }
    const db = one(w, "aws:rds/instance:Instance");
    assert.equal(db.protect, false);
    assert.equal(db.inputs.deletionProtection, false);
    assert.equal(db.inputs.skipFinalSnapshot, true);
  });
});

describe("secretDocument", () => {
  const documentOf = (endpoint: DatabaseEndpoint) =>
    new Promise<string>((resolve) =>
      secretDocument(endpoint, pulumi.output("first-password")).apply(resolve),
    ).then((text) => JSON.parse(text) as Record<string, unknown>);

  it("an Aurora cluster: the family as engine, dbClusterIdentifier, the writer endpoint as host", async () => {
    const document = await documentOf({
      engine: "aurora-postgresql",
      host: "ledger.cluster-abc.us-east-1.rds.amazonaws.com",
      port: 5432,
      dbname: "ledger",
      username: "ledger_admin",
      dbClusterIdentifier: "dev-workload-a-ledger",
    });
    assert.deepEqual(Object.keys(document), [
      "engine",
      "host",
      "port",
      "username",
      "password",
      "dbname",
      "dbClusterIdentifier",
      "ssl",
    ]);
    assert.equal(document.engine, "postgres");
    assert.equal(document.dbClusterIdentifier, "dev-workload-a-ledger");
    assert.equal(document.host, "ledger.cluster-abc.us-east-1.rds.amazonaws.com");
  });

  it("an RDS instance: the document it always had", async () => {
    const document = await documentOf({
      engine: "mysql",
      host: "orders.abc.us-east-1.rds.amazonaws.com",
      port: 3306,
      dbname: "orders",
      username: "orders_admin",
      dbInstanceIdentifier: "orders-prod",
    });
    assert.equal(
      JSON.stringify(document),
      JSON.stringify({
        engine: "mysql",
        host: "orders.abc.us-east-1.rds.amazonaws.com",
        port: 3306,
        username: "orders_admin",
        password: "first-password",
        dbname: "orders",
        dbInstanceIdentifier: "orders-prod",
        ssl: true,
      }),
    );
  });
});
