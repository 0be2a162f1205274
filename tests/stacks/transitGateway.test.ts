// Transit gateway connectivity: dev with `connectivity: transit-gateway`, all four phases.
import * as assert from "node:assert/strict";
import { deployed, editedDevFile, ofType, one } from "../harness";
import { environmentFromFile } from "../../src/config";
import { deploymentPhases } from "../../src/topology";
import type { StackRun } from "../../src/offline/runStack";

const TGW = "aws:ec2transitgateway/transitGateway:TransitGateway";
const ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment";
const ASSOCIATION = "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation";
const PROPAGATION = "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation";
const SHARE = "aws:ram/resourceShare:ResourceShare";
const ROUTE = "aws:ec2/route:Route";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const ROTATION = "aws:secretsmanager/secretRotation:SecretRotation";

const SUMMARIES = ["10.1.0.0/16", "10.2.0.0/15"];

const tgwFile = (settings: Record<string, unknown>) =>
  editedDevFile((c) => {
    c["secrets-hub:connectivity"] = "transit-gateway";
    c["secrets-hub:transitGateway"] = settings;
  });

describe("@slow transit gateway connectivity", () => {
  // External accounts: the share with invitations, the most steps of the three share modes.
  const env = environmentFromFile(tgwFile({ share: "external-accounts" }));
  const summarized = environmentFromFile(tgwFile({ summaryPrefixes: SUMMARIES }));
  let runs: Map<string, StackRun>;
  let central: StackRun;

  before(async () => {
    const run = await deployed(env);
    assert.equal(run.converged, true, run.drift.join("; "));
    runs = run.runs;
    central = runs.get("dev-central")!;
  });

  it("four phases, no rounds: workloads, central, workloads, central", () => {
    const W = env.workloads.map((w) => `dev-${w.name}`);
    assert.deepEqual(
      deploymentPhases(env).map((p) => p.stacks),
      [W, ["dev-central"], W, ["dev-central"]],
    );
  });

  it("no peering anywhere; one transit gateway and one RAM share in central, one attachment per workload", () => {
    for (const run of runs.values()) {
      assert.equal(ofType(run, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection").length, 0);
    }
    const gateway = one(central, TGW);
    assert.equal(gateway.inputs.dnsSupport, "enable");
    assert.equal(gateway.inputs.autoAcceptSharedAttachments, "enable");
    assert.equal(gateway.inputs.defaultRouteTableAssociation, "disable");
    assert.equal(gateway.inputs.defaultRouteTablePropagation, "disable");
    const share = one(central, SHARE);
    assert.equal(share.inputs.allowExternalPrincipals, true);
    assert.deepEqual(
      ofType(central, "aws:ram/principalAssociation:PrincipalAssociation")
        .map((p) => p.inputs.principal)
        .sort(),
      env.workloads.map((w) => w.accountId).sort(),
    );
    for (const w of env.workloads) {
      const run = runs.get(`dev-${w.name}`)!;
      const attachment = one(run, ATTACHMENT);
      assert.equal(attachment.inputs.transitGatewayId, central.outputs.transitGatewayId);
      assert.equal((attachment.inputs.subnetIds as string[]).length, w.availabilityZones.length);
      assert.equal(
        one(run, "aws:ram/resourceShareAccepter:ResourceShareAccepter").inputs.shareArn,
        central.outputs.transitGatewayShareArn,
      );
      const routes = ofType(run, ROUTE);
      assert.equal(routes.length, w.availabilityZones.length);
      for (const r of routes) {
        assert.equal(r.inputs.destinationCidrBlock, env.central.vpcCidr);
        assert.equal(r.inputs.transitGatewayId, central.outputs.transitGatewayId);
        assert.ok(r.dependencies.includes(attachment.urn), "the route waits for the attachment");
      }
      assert.match(String(run.outputs.transitGatewayAttachmentId), /^tgw-attach-/);
    }
  });

  it("central: its own attachment, each workload's attachment associated with spokes and propagated to hub", () => {
    assert.equal(ofType(central, ATTACHMENT).length, 1);
    const [hub, spokes] = ["hub", "spokes"].map((n) =>
      one(central, "aws:ec2transitgateway/routeTable:RouteTable", `-${n}`),
    );
    for (const w of env.workloads) {
      const attachmentId = runs.get(`dev-${w.name}`)!.outputs.transitGatewayAttachmentId;
      const association = ofType(central, ASSOCIATION).find(
        (a) => a.inputs.transitGatewayAttachmentId === attachmentId,
      );
      assert.deepEqual(association?.propertyDependencies.transitGatewayRouteTableId, [spokes.urn]);
      const propagation = ofType(central, PROPAGATION).find(
        (a) => a.inputs.transitGatewayAttachmentId === attachmentId,
      );
      assert.deepEqual(propagation?.propertyDependencies.transitGatewayRouteTableId, [hub.urn]);
    }
    assert.deepEqual(central.outputs.peeringConnectionIds, {});
  });

  it("without summary prefixes: central routes the exact aggregate of the workload CIDRs, egress to the aggregate on each port", () => {
    // dev: workload-a 10.1.0.0/16 and workload-c 10.3.0.0/16 (postgres), workload-b 10.2.0.0/16 (mysql).
    const routes = ofType(central, ROUTE);
    const zones = env.central.availabilityZones.length;
    assert.deepEqual(
      routes.map((r) => `${String(r.inputs.destinationCidrBlock)} ${r.name}`).sort(),
      ["10.1.0.0/16", "10.2.0.0/15"].flatMap((cidr) =>
        Array.from(
          { length: zones },
          (_, i) => `${cidr} transit-gateway-${cidr.replace(/[./]/g, "-")}-${i}`,
        ),
      ),
    );
    for (const r of routes)
      assert.equal(r.inputs.transitGatewayId, central.outputs.transitGatewayId);
    // The route identical to workload-a's CIDR takes over the route workload-a's member had
    // (its URN as the previous release registered it); the wider prefix is new.
    for (const r of routes)
      assert.deepEqual(
        r.aliases,
        r.inputs.destinationCidrBlock === "10.1.0.0/16"
          ? [
              `urn:pulumi:dev-central::secrets-hub::secrets-hub:central:TransitGatewayMember$aws:ec2/route:Route::workload-a-tgw-route-${r.name.slice(-1)}`,
            ]
          : [],
      );
    const egress = ofType(central, EGRESS).filter((e) => e.inputs.fromPort !== 443);
    assert.deepEqual(
      egress.map((e) => `${String(e.inputs.cidrIpv4)}:${String(e.inputs.fromPort)}`).sort(),
      ["10.1.0.0/16:3306", "10.1.0.0/16:5432", "10.2.0.0/15:3306", "10.2.0.0/15:5432"],
    );
  });

  it("every workload's rotation is added only after its attachment and routes, and depends on their routing", async () => {
    const { steps } = await deployed(env);
    for (const w of env.workloads) {
      const stack = `dev-${w.name}`;
      const attachStep = steps.findIndex(
        (s) => s.stack === stack && s.adds.some((u) => u.includes(ATTACHMENT)),
      );
      const rotationStep = steps.findIndex(
        (s) =>
          s.stack === "dev-central" &&
          s.adds.some((u) => u.includes(ROTATION) && u.includes(`${w.name}-`)),
      );
      assert.ok(
        attachStep >= 0 && rotationStep > attachStep,
        `${w.name}: ${attachStep} < ${rotationStep}`,
      );
      assert.ok(
        steps[attachStep].adds.some((u) => u.includes(ROUTE)),
        "the routes come with the attachment",
      );
    }
    for (const rotation of ofType(central, ROTATION)) {
      const workload = env.workloads.find((w) => rotation.name.startsWith(`${w.name}-`))!;
      const attachmentId = runs.get(`dev-${workload.name}`)!.outputs.transitGatewayAttachmentId;
      const association = ofType(central, ASSOCIATION).find(
        (a) => a.inputs.transitGatewayAttachmentId === attachmentId,
      )!;
      assert.ok(rotation.dependencies.includes(association.urn), rotation.name);
    }
  });

  it("summary prefixes: a constant number of central routes, rotation egress to the prefixes only", async () => {
    const run = await deployed(summarized);
    assert.equal(run.converged, true);
    const c = run.runs.get("dev-central")!;
    const routes = ofType(c, ROUTE);
    assert.equal(routes.length, SUMMARIES.length * summarized.central.availabilityZones.length);
    assert.deepEqual(
      [...new Set(routes.map((r) => String(r.inputs.destinationCidrBlock)))].sort(),
      [...SUMMARIES].sort(),
    );
    const egress = ofType(c, EGRESS).filter((e) => e.inputs.fromPort !== 443);
    assert.deepEqual(
      egress.map((e) => `${String(e.inputs.cidrIpv4)}:${String(e.inputs.fromPort)}`).sort(),
      ["10.1.0.0/16:3306", "10.1.0.0/16:5432", "10.2.0.0/15:3306", "10.2.0.0/15:5432"],
    );
    assert.equal(ofType(c, ROTATION).length, summarized.workloads.length);
  });

  it("by default shares with each account inside the organization: no external principals, no invitation to accept", async () => {
    const inside = environmentFromFile(tgwFile({}));
    const run = await deployed(inside);
    assert.equal(run.converged, true, run.drift.join("; "));
    const c = run.runs.get("dev-central")!;
    assert.equal(one(c, SHARE).inputs.allowExternalPrincipals, false);
    assert.deepEqual(
      ofType(c, "aws:ram/principalAssociation:PrincipalAssociation")
        .map((p) => p.inputs.principal)
        .sort(),
      inside.workloads.map((w) => w.accountId).sort(),
    );
    for (const w of inside.workloads) {
      const wr = run.runs.get(`dev-${w.name}`)!;
      assert.equal(ofType(wr, "aws:ram/resourceShareAccepter:ResourceShareAccepter").length, 0);
      assert.equal(ofType(wr, ATTACHMENT).length, 1);
    }
    assert.equal(ofType(c, ROTATION).length, inside.workloads.length);
  });

  it("shares with the organization when organizationArn is set: no invitation to accept", async () => {
    const org = environmentFromFile(
      tgwFile({ organizationArn: "arn:aws:organizations::111111111111:organization/o-abcdef1234" }),
    );
    const run = await deployed(org);
    const c = run.runs.get("dev-central")!;
    assert.equal(one(c, SHARE).inputs.allowExternalPrincipals, false);
    assert.deepEqual(
      ofType(c, "aws:ram/principalAssociation:PrincipalAssociation").map((p) => p.inputs.principal),
      ["arn:aws:organizations::111111111111:organization/o-abcdef1234"],
    );
    for (const w of org.workloads) {
      const wr = run.runs.get(`dev-${w.name}`)!;
      assert.equal(ofType(wr, "aws:ram/resourceShareAccepter:ResourceShareAccepter").length, 0);
      assert.equal(ofType(wr, ATTACHMENT).length, 1);
    }
    assert.equal(ofType(c, ROTATION).length, org.workloads.length);
  });

  it("refuses what it cannot serve, naming the key and the way out", () => {
    assert.throws(
      () =>
        environmentFromFile(
          editedDevFile((c) => {
            c["secrets-hub:connectivity"] = "transit-gateway";
            c["secrets-hub:workloads"][1].region = "eu-west-1";
            c["secrets-hub:workloads"][1].availabilityZones = ["eu-west-1a", "eu-west-1b"];
          }),
        ),
      /secrets-hub:workloads\[1\]\.region: workload workload-b is outside the central region us-east-1: .*connectivity: peering/,
    );
    assert.throws(
      () => environmentFromFile(tgwFile({ summaryPrefixes: ["10.1.0.0/16"] })),
      /workloads\[1\]\.vpcCidr: is covered by no secrets-hub:transitGateway\.summaryPrefixes/,
    );
    assert.throws(
      () => environmentFromFile(tgwFile({ summaryPrefixes: ["10.0.0.0/12"] })),
      /summaryPrefixes\[0\]: overlaps the central VPC CIDR/,
    );
    assert.throws(
      () =>
        environmentFromFile(
          editedDevFile((c) => {
            c["secrets-hub:transitGateway"] = { summaryPrefixes: ["10.0.0.0/8"] };
          }),
        ),
      /transitGateway\.summaryPrefixes: applies only with secrets-hub:connectivity: transit-gateway/,
    );
    assert.throws(
      () => environmentFromFile(editedDevFile((c) => (c["secrets-hub:connectivity"] = "vpn"))),
      /secrets-hub:connectivity: must be one of peering, transit-gateway/,
    );
  });
});
