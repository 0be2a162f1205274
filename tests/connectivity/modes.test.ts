// The connectivity seam: each mode name resolves to its module, each mode's phases, and a
// name without a module is a compile error.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import ts from "typescript";
import { editedDevFile, devEnvironment } from "../harness";
import { environmentFromFile } from "../../src/config";
import { CONNECTIVITY_MODES } from "../../src/config/transitGateway";
import { connectivityMode, modeOf } from "../../src/connectivity";
import { peering } from "../../src/connectivity/peering";
import { transitGateway } from "../../src/connectivity/transitGateway";
import { destroyOrder, operationPhases } from "../../src/topology";
import { mermaidTopology } from "../../src/offline/mermaid";
import { type StackOps, deployEnvironment } from "../../src/deploy/orchestrator";
import type { Plan, PlannedStack } from "../../src/offline/plan";

const ROOT = path.join(__dirname, "..", "..");

describe("connectivity modes", () => {
  const env = devEnvironment();
  const tgw = environmentFromFile(
    editedDevFile((c) => {
      c["secrets-hub:connectivity"] = "transit-gateway";
    }),
  );
  const W = env.workloads.map((w) => `dev-${w.name}`);

  it("each mode name resolves to its own module, and an environment to its mode", () => {
    assert.deepEqual([...CONNECTIVITY_MODES], ["peering", "transit-gateway"]);
    assert.equal(connectivityMode("peering"), peering);
    assert.equal(connectivityMode("transit-gateway"), transitGateway);
    for (const name of CONNECTIVITY_MODES) assert.equal(connectivityMode(name).name, name);
    assert.equal(modeOf(env), peering);
    assert.equal(modeOf(tgw), transitGateway);
  });

  it("peering: rounds of maxPendingPeerings, central between them; destroy central first", () => {
    const paced = { ...env, maxPendingPeerings: 2 };
    assert.deepEqual(
      peering.rounds(paced).map((r) => r.map((w) => w.name)),
      [["workload-a", "workload-b"], ["workload-c"]],
    );
    assert.deepEqual(
      operationPhases(paced, "up").map((p) => p.stacks),
      [W, ["dev-central"], W.slice(0, 2), ["dev-central"], W.slice(2), ["dev-central"]],
    );
    assert.deepEqual(
      operationPhases(env, "destroy").map((p) => p.stacks),
      [["dev-central"], W],
    );
    assert.equal(destroyOrder(env), "central first, then the workloads");
  });

  it("transit gateway: four phases in one round; destroy removes the workloads (their attachments) before central's gateway", () => {
    assert.deepEqual(
      transitGateway.rounds(tgw).map((r) => r.length),
      [3],
    );
    assert.deepEqual(
      operationPhases(tgw, "up").map((p) => p.stacks),
      [W, ["dev-central"], W, ["dev-central"]],
    );
    const destroy = operationPhases(tgw, "destroy");
    assert.deepEqual(
      destroy.map((p) => p.stacks),
      [W, ["dev-central"]],
    );
    assert.deepEqual(
      destroy.map((p) => p.number),
      [1, 2],
    );
    assert.match(destroyOrder(tgw), /^the workloads first .*then central$/);
    // A preview still shows each stack once, in the order of up.
    assert.deepEqual(
      operationPhases(tgw, "preview").map((p) => p.stacks),
      [W, ["dev-central"]],
    );
  });

  it("the orchestrator's destroy in transit gateway mode ends every workload stack before central starts", async () => {
    const calls: { stack: string; op: string; start: number; end: number }[] = [];
    let clock = 0;
    const factory = async (name: string): Promise<StackOps> => {
      const op = (kind: string) => async () => {
        const call = { stack: name, op: kind, start: clock++, end: -1 };
        calls.push(call);
        await new Promise((r) => setTimeout(r, 5));
        call.end = clock++;
        return {};
      };
      return {
        name,
        up: op("up"),
        preview: op("preview"),
        previewDestroy: op("previewDestroy"),
        destroy: op("destroy"),
      };
    };
    const report = await deployEnvironment(tgw, factory, {
      mode: "destroy",
      configFile: "/envs/Pulumi.dev.yaml",
      policyPack: "/repo/policy-pack",
      parallel: 3,
      log: () => undefined,
    });
    assert.equal(report.ok, true);
    const destroys = calls.filter((c) => c.op === "destroy");
    assert.ok(calls.every((c) => c.op === "destroy" || c.op === "previewDestroy"));
    const central = destroys.find((c) => c.stack === "dev-central")!;
    const workloads = destroys.filter((c) => c.stack !== "dev-central");
    assert.deepEqual(workloads.map((c) => c.stack).sort(), W);
    for (const w of workloads) assert.ok(w.end < central.start, `${w.stack} ends before central`);
  });

  it("the diagram draws each mode's link from the resource that puts the workload's side in place", () => {
    const stack = (name: string, account: string, types: string[]): PlannedStack => ({
      name,
      account,
      accountId: account === "central" ? "111111111111" : "222222222222",
      region: "us-east-1",
      resources: types.map((type, i) => ({
        urn: `urn:${name}:${i}`,
        type,
        name: `${name}-${i}`,
        inputs: { cidrBlock: "10.0.0.0/16" },
        protect: false,
        parent: "",
        provider: "",
        dependencies: [],
      })),
      outputs: {},
      warnings: [],
    });
    const chart = (linkType: string) =>
      mermaidTopology({
        environment: "dev",
        phases: [],
        linkSummary: "",
        steps: [],
        converged: true,
        drift: [],
        violations: [],
        stacks: [
          stack("dev-central", "central", ["aws:ec2/vpc:Vpc"]),
          stack("dev-a", "a", ["aws:ec2/vpc:Vpc", linkType]),
          stack("dev-b", "b", ["aws:ec2/vpc:Vpc"]),
        ],
      } satisfies Plan);
    const peered = chart(peering.diagram.resourceType);
    assert.match(peered, /dev_central_vpc <-->\|peering\| dev_a_vpc/);
    const attached = chart(transitGateway.diagram.resourceType);
    assert.match(attached, /dev_central_vpc <-->\|transit gateway\| dev_a_vpc/);
    // No link for a workload whose side is not in place.
    assert.doesNotMatch(peered + attached, /dev_b_vpc$/m);
    assert.doesNotMatch(attached, /\|peering\|/);
  });

  it("a mode name added to CONNECTIVITY_MODES without its module fails tsc at the one switch @slow", function () {
    // A type-check of the choice and everything it imports (about a minute here): @slow.
    this.timeout(300_000);
    const configFile = path.join(ROOT, "src", "config", "transitGateway.ts");
    const choice = path.join(ROOT, "src", "connectivity", "index.ts");
    const diagnostics = (extra: string) => {
      const options: ts.CompilerOptions = {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        target: ts.ScriptTarget.ES2022,
        types: [],
      };
      const host = ts.createCompilerHost(options);
      const read = host.readFile.bind(host);
      host.readFile = (file) => {
        const text = read(file);
        if (path.resolve(file) !== configFile || text === undefined) return text;
        return text.replace(
          'export const CONNECTIVITY_MODES = ["peering", "transit-gateway"] as const;',
          `export const CONNECTIVITY_MODES = ["peering", "transit-gateway"${extra}] as const;`,
        );
      };
      const program = ts.createProgram([choice], options, host);
      return program
        .getSemanticDiagnostics(program.getSourceFile(choice))
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    };
    assert.deepEqual(diagnostics(""), []);
    const errors = diagnostics(', "vpn"');
    assert.equal(errors.length, 1, errors.join("\n"));
    assert.match(errors[0], /Type '"vpn"' is not assignable to type 'never'/);
  });
});
