/**
 * The plan's diagram (src/offline/mermaid.ts) of the stacks as they run under mocks: the
 * adopted VPC inside its account, each reader reading the copy of its secret in its own Region,
 * transit gateway links, and a chart that stays the same size past FULL_LIMIT workloads.
 * Every case runs stacks under mocks (6 s for adopt, a minute or more for 150 workloads): @slow.
 * `@mermaid-js/parser` has no flowchart grammar (flowcharts are parsed by the JISON grammar
 * inside the whole `mermaid` package, a large dependency for one check): {@link checkSyntax}
 * checks what a malformed chart would break (one statement a line, quoted labels, subgraphs
 * closed, every edge between declared ids).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { generateEnvironmentFile } from "../../src/bench/generate";
import { Environment, environmentFromFile } from "../../src/config";
import { FULL_LIMIT, mermaidTopology } from "../../src/offline/mermaid";
import { type Plan, diagramPlan } from "../../src/offline/plan";
import { tempDir } from "../harness";

const ROOT = path.join(__dirname, "..", "..");

/**
 * A generated environment. Peering: every third workload in us-west-2 (the replica Region);
 * a transit gateway attaches VPCs of central's Region only.
 */
function generated(workloads: number, connectivity: "peering" | "transit-gateway"): Environment {
  const file = path.join(tempDir(), `Pulumi.gen${workloads}.yaml`);
  const doc = YAML.parse(
    generateEnvironmentFile(`gen${workloads}`, workloads, { connectivity }),
  ) as {
    config: { "secrets-hub:workloads": { region: string; availabilityZones: string[] }[] };
  };
  for (const [i, w] of doc.config["secrets-hub:workloads"].entries()) {
    if (connectivity !== "peering" || i % 3 !== 2) continue;
    w.region = "us-west-2";
    w.availabilityZones = ["us-west-2a", "us-west-2b"];
  }
  fs.writeFileSync(file, YAML.stringify(doc));
  return environmentFromFile(file);
}

interface Chart {
  nodes: Set<string>;
  subgraphs: Map<string, string[]>;
  edges: { from: string; to: string; text: string }[];
  /** The subgraph each node is declared in (its innermost). */
  parent: Map<string, string>;
}

/** Reads a chart as this module writes it, failing on any line it could not place. */
function checkSyntax(chart: string): Chart {
  const lines = chart.split("\n");
  assert.equal(lines[0], "flowchart LR");
  const nodes = new Set<string>();
  const subgraphs = new Map<string, string[]>();
  const parent = new Map<string, string>();
  const edges: Chart["edges"] = [];
  const open: string[] = [];
  const text = String.raw`"[^"]*"`;
  for (const line of lines.slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(String.raw`^\s*subgraph (\w+)\[${text}\]$`).exec(line))) {
      assert.ok(!nodes.has(m[1]) && !subgraphs.has(m[1]), `${m[1]} declared twice`);
      subgraphs.set(m[1], []);
      if (open.length) subgraphs.get(open[open.length - 1])!.push(m[1]);
      open.push(m[1]);
    } else if (/^\s*end$/.test(line)) {
      assert.ok(open.pop(), "end without subgraph");
    } else if (
      (m = new RegExp(
        String.raw`^\s*(\w+)(\[${text}\]|\[\(${text}\)\]|\(\[${text}\]\)|\{\{${text}\}\}|>${text}\])$`,
      ).exec(line))
    ) {
      assert.ok(!nodes.has(m[1]) && !subgraphs.has(m[1]), `${m[1]} declared twice`);
      nodes.add(m[1]);
      if (open.length) {
        parent.set(m[1], open[open.length - 1]);
        subgraphs.get(open[open.length - 1])!.push(m[1]);
      }
    } else if (
      (m = /^\s*(\w+) (---|-- [a-z]+ -->|-\. [a-z]+ \.->|<-->\|[^|"]+\|) (\w+)$/.exec(line))
    ) {
      edges.push({ from: m[1], to: m[3], text: m[2] });
    } else assert.fail(`not a statement this chart writes: ${JSON.stringify(line)}`);
  }
  assert.deepEqual(open, [], "subgraphs left open");
  for (const e of edges) {
    for (const end of [e.from, e.to])
      assert.ok(nodes.has(end) || subgraphs.has(end), `edge to undeclared ${end}: ${e.text}`);
  }
  return { nodes, subgraphs, edges, parent };
}

describe("the plan's diagram", function () {
  it("@slow draws the adopted VPC inside its account, with its id; each reader reads its own secret", async () => {
    const plan = await diagramPlan(environmentFromFile(path.join(ROOT, "Pulumi.adopt.yaml")));
    const chart = mermaidTopology(plan);
    const { parent, edges } = checkSyntax(chart);
    assert.match(
      chart,
      /adopt_orders_vpc\["VPC 10\.20\.0\.0\/16 — adopted vpc-0a1b2c3d4e5f60718"\]/,
    );
    assert.equal(parent.get("adopt_orders_vpc"), "adopt_orders");
    // A VPC the program creates has no "adopted".
    assert.match(chart, /adopt_catalog_vpc\["VPC 10\.21\.0\.0\/16"\]/);
    const reads = edges.filter((e) => e.text === "-- reads -->");
    assert.equal(reads.length, 2);
    for (const w of ["orders", "catalog"]) {
      const read = reads.find((e) => e.from.startsWith(`adopt_${w}_reader`))!;
      assert.match(chart, new RegExp(String.raw`${read.to}\["secret adopt/${w}/${w}-db"\]`));
      assert.equal(parent.get(read.to), "adopt_central_us_east_1");
    }
  });

  it("@slow the estate: every reader drawn, an existing role as such, each reading exactly its secrets' copies in its Region", async () => {
    const env = environmentFromFile(path.join(ROOT, "Pulumi.estate.yaml"));
    const chart = mermaidTopology(await diagramPlan(env));
    const readers = [...chart.matchAll(/^\s+(\w+_reader\d+)\(\["reader ([^"]+)"\]\)$/gm)];
    assert.deepEqual(readers.map((m) => m[2]).sort(), [
      "reporting (existing role)",
      "search-indexer (existing role)",
      "secrets-hub-estate-catalog-web",
      "secrets-hub-estate-payments-api",
    ]);
    // One "reads" edge per secret a reader names (3 + 1 + 2 + 3), none to a master secret.
    const reads = [...chart.matchAll(/^\s+\w+_reader\d+ -- reads --> (\w+)$/gm)].map((m) => m[1]);
    assert.equal(reads.length, 9);
    for (const target of reads) {
      const node = new RegExp(`^\\s+${target}\\["secret ([^"]+)"\\]$`, "m").exec(chart);
      assert.ok(node && !node[1].endsWith("/master"), target);
    }
  });

  it("@slow at 20 peered workloads in two Regions: every workload drawn, readers reading the copy in their own Region", async () => {
    const env = generated(20, "peering");
    const plan = await diagramPlan(env);
    // One more reader is one more node and one more reads edge.
    const w3 = plan.stacks.find((s) => s.name === "gen20-app-003")!;
    const role = w3.resources.find((r) => r.type === "aws:iam/role:Role")!;
    const policy = w3.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
    const chart = (p: Plan) => checkSyntax(mermaidTopology(p));
    const before = chart(plan);
    const extra = structuredClone(plan);
    extra.stacks
      .find((s) => s.name === w3.name)!
      .resources.push(
        { ...role, urn: `${role.urn}-batch`, inputs: { ...role.inputs, name: "batch-reader" } },
        {
          ...policy,
          urn: `${policy.urn}-batch`,
          inputs: { ...policy.inputs, role: "batch-reader" },
        },
      );
    const after = chart(extra);
    assert.equal(after.nodes.size, before.nodes.size + 1);
    assert.equal(after.edges.length, before.edges.length + 1);

    const { nodes, edges, parent, subgraphs } = before;
    const reads = edges.filter((e) => e.text === "-- reads -->");
    assert.equal(reads.length, 20);
    for (const w of env.workloads) {
      const s = `gen20_${w.name.replace(/-/g, "_")}`;
      const read = reads.find((e) => e.from.startsWith(`${s}_reader`));
      assert.ok(read, `${w.name} reads`);
      const region = w.region.replace(/-/g, "_");
      assert.equal(
        parent.get(read.to),
        `gen20_central_${region}`,
        `${w.name} reads in ${w.region}`,
      );
      assert.ok(
        edges.some(
          (e) =>
            e.from === "gen20_central_vpc" && e.to === `${s}_vpc` && e.text === "<-->|peering|",
        ),
      );
    }
    assert.ok(subgraphs.has("gen20_central_us_west_2"));
    // Bounded: about 4 nodes and 4 edges per workload (VPC, endpoint, reader, copies).
    assert.ok(nodes.size <= 20 * 5 + 10, `${nodes.size} nodes`);
    assert.ok(edges.length <= 20 * 4 + 10, `${edges.length} edges`);
  });

  it("@slow at 150 transit gateway workloads: grouped per Region, the same size as 30 of them, and says where the full chart is", async () => {
    const at150 = await diagramPlan(generated(150, "transit-gateway"));
    const grouped = mermaidTopology(at150);
    // The same chart with 30 of the workloads (one more run of the stacks would cost a minute).
    const at30 = { ...at150, stacks: at150.stacks.slice(0, 31) };
    const small = checkSyntax(mermaidTopology(at30));
    const big = checkSyntax(grouped);
    assert.ok(30 > FULL_LIMIT);
    assert.equal(big.nodes.size, small.nodes.size);
    assert.equal(big.edges.length, small.edges.length);
    assert.ok(
      big.nodes.size <= 20 && big.edges.length <= 20,
      `${big.nodes.size} nodes, ${big.edges.length} edges`,
    );
    assert.match(
      grouped,
      /subgraph workloads_us_east_1\["150 workloads in us-east-1 — accounts 200000000001 … 200000000150"\]/,
    );
    assert.match(grouped, /workloads_us_east_1_vpc\["150 VPCs"\]/);
    assert.match(grouped, /workloads_us_east_1_reader\(\["150 readers"\]\)/);
    assert.match(grouped, /gen150_central_us_east_1\["150 secrets in us-east-1"\]/);
    assert.match(grouped, /gen150_central_us_west_2\["150 replicas in us-west-2"\]/);
    assert.match(
      grouped,
      /gen150_central_vpc <-->\|transit gateway ×150\| workloads_us_east_1_vpc/,
    );
    assert.match(grouped, /gen150_central_vpc --- gen150_central_tgw0/);
    assert.match(grouped, /workloads_us_east_1_reader -- reads --> gen150_central_us_east_1/);
    assert.match(grouped, /npm run -s plan -- --env gen150 --format mermaid --diagram full/);
    // --diagram full draws each of them.
    const full = checkSyntax(mermaidTopology(at150, { full: true }));
    assert.equal(full.edges.filter((e) => e.text === "-- reads -->").length, 150);
  });
});
