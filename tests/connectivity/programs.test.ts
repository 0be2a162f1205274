// The programs ask the mode: what central links, and what a workload builds toward central,
// come from the mode object, not from a branch of their own.
import * as assert from "node:assert/strict";
import { deployed, devEnvironment, ofType, runStackOf } from "../harness";
import type { ConnectivityMode } from "../../src/connectivity";
import { peering } from "../../src/connectivity/peering";
import type { ModeResources } from "../../src/connectivity/mode";
import type { StackRun } from "../../src/offline/runStack";

const PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";
const ACCEPTER = "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter";
const SECRET = "aws:secretsmanager/secret:Secret";

/** Runs `body` with some members of the peering mode replaced, then puts them back. */
async function withMode<T>(patch: Partial<ConnectivityMode>, body: () => Promise<T>): Promise<T> {
  const mode = peering as { -readonly [K in keyof ConnectivityMode]: ConnectivityMode[K] };
  const saved = { ...mode };
  Object.assign(mode, patch);
  try {
    return await body();
  } finally {
    Object.assign(mode, saved);
  }
}

describe("the programs ask the connectivity mode", () => {
  const env = devEnvironment();
  let runs: Map<string, StackRun>;
  const workloads = () =>
    Object.fromEntries(env.workloads.map((w) => [`dev-${w.name}`, runs.get(`dev-${w.name}`)!]));

  before(async () => {
    runs = (await deployed(env)).runs;
  });

  it("central builds its legs and secrets for exactly the workloads the mode's window names", async () => {
    const windows: string[][] = [];
    const realWindow = peering.window;
    const central = await withMode(
      {
        window: (e, ready) => {
          const full = realWindow(e, ready);
          windows.push(ready.map((r) => r.workload.name));
          // Only workload-b is requested and linked.
          const b = ready.filter((r) => r.workload.name === "workload-b");
          return { requested: b, linked: new Set(["workload-b"]), waiting: full.waiting };
        },
      },
      () => runStackOf(env, "dev-central", workloads()),
    );
    assert.deepEqual(windows, [["workload-a", "workload-b", "workload-c"]]);
    assert.deepEqual(
      ofType(central, PEERING).map((r) => r.name),
      ["workload-b-peering-peering"],
    );
    assert.deepEqual(
      ofType(central, SECRET).map((r) => r.name),
      ["workload-b-db-secret"],
    );
    // The same run with the real window: every workload.
    const real = await runStackOf(env, "dev-central", workloads());
    assert.equal(ofType(real, PEERING).length, 3);
  });

  it("central's rotation egress is the mode's rotation targets", async () => {
    const central = await withMode(
      { rotationTargets: () => [{ cidr: "10.99.0.0/16", port: 5432 }] },
      () => runStackOf(env, "dev-central", workloads()),
    );
    const egress = ofType(central, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
      .map((r) => r.inputs.cidrIpv4)
      // Beside the rule to the endpoint in central's own subnets (10.0.0.0/16).
      .filter((c) => typeof c === "string" && !c.startsWith("10.0."));
    assert.ok(egress.length > 0);
    assert.ok(
      egress.every((c) => c === "10.99.0.0/16"),
      egress.join(", "),
    );
  });

  it("a workload builds the leg the mode's resources give it, with central's outputs", async () => {
    const calls: { workload: string; central: boolean }[] = [];
    const real = await peering.resources();
    const resources: ModeResources = {
      central: real.central,
      workload: (_context, workload, central) => {
        calls.push({ workload: workload.name, central: central !== undefined });
        return {};
      },
    };
    const workload = await withMode({ resources: async () => resources }, () =>
      runStackOf(env, "dev-workload-a", { "dev-central": runs.get("dev-central")! }),
    );
    assert.deepEqual(calls, [{ workload: "workload-a", central: true }]);
    assert.equal(ofType(workload, ACCEPTER).length, 0);
    assert.equal(workload.outputs.acceptedPeeringConnectionId, undefined);
    // With the mode's own resources: the accepter.
    const accepted = await runStackOf(env, "dev-workload-a", {
      "dev-central": runs.get("dev-central")!,
    });
    assert.equal(ofType(accepted, ACCEPTER).length, 1);
  });
});
