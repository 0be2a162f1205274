/**
 * The generated parts of the docs (`npm run docs`): every table or list the code knows is
 * written between markers,
 *
 *     <!-- generated:NAME -->
 *     ...
 *     <!-- /generated:NAME -->
 *
 * from the module that knows it, never copied by hand (terraform-docs' discipline). Two
 * whole files are generated the same way: schema/environment.schema.json (the JSON Schema
 * editors read) and the `config:` declarations of Pulumi.yaml (descriptions and defaults,
 * from the zod schema's metadata). `checkDocs` reports each block or file that differs from
 * what the code gives now, e.g. edited by hand.
 *
 * The blocks load the config, the topology, the pipeline generator and the policy pack's
 * modules, but not the providers: except the `slow` ones (the dev diagram needs the stacks
 * run under mocks), which `--fast` skips and `npm run test:slow` checks.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import YAML from "yaml";
import { PROJECT_ROOT } from "./cli";
import { environmentSchemaText } from "./environmentSchema";

/** A generated block: its name (the marker's), the file it lives in, what it holds. */
export interface Block {
  name: string;
  /** Path relative to the project root, forward slashes. */
  file: string;
  /** Needs the stacks run under mocks (seconds): skipped by `--fast`. */
  slow?: boolean;
  /**
   * Measured, not derived from the code: another command writes it (`npm run bench --
   * --write-docs`, with the date and the machine), and the docs keep what is there.
   */
  measured?: boolean;
  render(): Promise<string> | string;
}

/** A file generated as a whole from its current text. */
export interface GeneratedFile {
  file: string;
  render(current: string): Promise<string> | string;
}

/** One out-of-date block or file, with the line that says so. */
export interface Stale {
  file: string;
  block?: string;
  message: string;
}

const open = (name: string) => `<!-- generated:${name} -->`;
const close = (name: string) => `<!-- /generated:${name} -->`;
const MARKER = /<!-- (\/?)generated:([a-z0-9-]+) -->/g;

/** The names of the blocks a text marks, in order; throws on an unbalanced marker. */
export function markedBlocks(text: string, file: string): string[] {
  const names: string[] = [];
  let inside: string | undefined;
  for (const match of text.matchAll(MARKER)) {
    const [, slash, name] = match;
    if (!slash) {
      if (inside) throw new Error(`${file}: ${open(name)} inside the block '${inside}'`);
      if (names.includes(name)) throw new Error(`${file}: the block '${name}' appears twice`);
      inside = name;
      names.push(name);
    } else if (inside !== name) {
      throw new Error(`${file}: ${close(name)} without its ${open(name)}`);
    } else inside = undefined;
  }
  if (inside) throw new Error(`${file}: ${open(inside)} has no ${close(inside)}`);
  return names;
}

/** The content between a block's markers (without the newlines next to them). */
export function blockContent(text: string, name: string): string | undefined {
  const start = text.indexOf(open(name));
  const end = text.indexOf(close(name));
  if (start < 0 || end < 0) return undefined;
  return text
    .slice(start + open(name).length, end)
    .replace(/^\n/, "")
    .replace(/\n$/, "");
}

/** The text with a block's content replaced. */
export function withBlock(text: string, name: string, content: string): string {
  const start = text.indexOf(open(name));
  const end = text.indexOf(close(name));
  if (start < 0 || end < 0) throw new Error(`no block '${name}'`);
  return `${text.slice(0, start + open(name).length)}\n${content}\n${text.slice(end)}`;
}

export interface DocsOptions {
  /** Folder the files are read from and written to. Default: the project root. */
  root?: string;
  /** Skip the slow blocks (they keep their current content). */
  fast?: boolean;
  /** The generators; default: {@link BLOCKS} and {@link FILES}. */
  blocks?: readonly Block[];
  files?: readonly GeneratedFile[];
}

/**
 * The generated texts of every file with blocks or generated as a whole, beside what is
 * there now. A marker no generator knows, or a generator whose markers are missing, throws.
 */
export async function generateDocs(
  options: DocsOptions = {},
): Promise<{ file: string; current: string; generated: string; stale: Stale[] }[]> {
  const root = options.root ?? PROJECT_ROOT;
  const blocks = options.blocks ?? BLOCKS;
  const files = options.files ?? FILES;
  const read = (file: string) => {
    const full = path.join(root, file);
    return fs.existsSync(full) ? fs.readFileSync(full, "utf8") : "";
  };
  const results = [];
  for (const file of [...new Set(blocks.map((b) => b.file))]) {
    const current = read(file);
    const marked = markedBlocks(current, file);
    const own = blocks.filter((b) => b.file === file);
    for (const name of marked)
      if (!own.some((b) => b.name === name))
        throw new Error(`${file}: no generator for the block '${name}' (scripts/lib/docs.ts)`);
    let generated = current;
    const stale: Stale[] = [];
    for (const block of own) {
      if (!marked.includes(block.name))
        throw new Error(`${file}: the block '${block.name}' is missing (${open(block.name)})`);
      if (block.measured || (block.slow && options.fast)) continue;
      const content = (await block.render()).replace(/\n+$/, "");
      if (blockContent(current, block.name) !== content)
        stale.push({
          file,
          block: block.name,
          message: `${file}: the generated block '${block.name}' is out of date (edited by hand, or the code changed): run npm run docs`,
        });
      generated = withBlock(generated, block.name, content);
    }
    results.push({ file, current, generated, stale });
  }
  for (const spec of files) {
    const current = read(spec.file);
    const generated = await spec.render(current);
    const stale: Stale[] =
      generated === current
        ? []
        : [
            {
              file: spec.file,
              message: `${spec.file} is out of date with the code that generates it (edited by hand, or the code changed): run npm run docs`,
            },
          ];
    results.push({ file: spec.file, current, generated, stale });
  }
  return results;
}

/** The stale blocks and files; empty when the docs are up to date. */
export async function checkDocs(options: DocsOptions = {}): Promise<Stale[]> {
  return (await generateDocs(options)).flatMap((r) => r.stale);
}

/** Writes every stale file; returns the files written. */
export async function writeDocs(options: DocsOptions = {}): Promise<string[]> {
  const root = options.root ?? PROJECT_ROOT;
  const written: string[] = [];
  for (const r of await generateDocs(options)) {
    if (r.generated === r.current) continue;
    const full = path.join(root, r.file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, r.generated);
    written.push(r.file);
  }
  return written;
}

// ---------------------------------------------------------------------------------------
// What is generated. Each block loads its sources when rendered, so that `--help` and the
// marker checks stay fast.

/**
 * One Markdown table cell: `|` escaped (GitHub splits cells on it even inside code), and
 * outside code spans `<` and `>` as entities, so that `<environment>` is not read as HTML.
 */
function cell(text: string): string {
  return text
    .replace(/\n/g, " ")
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("")
    .replace(/(?<!\\)\|/g, "\\|");
}

/** A Markdown table of cells given as Markdown. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

const code = (text: string) => `\`${text}\``;

const dev = async () => (await import("../../src/config")).environmentNamed("dev").env;

/** dev with `secrets-hub:connectivity: transit-gateway`, through the same gate as the file. */
async function devTransitGateway() {
  const { environmentFromConfig } = await import("../../src/config");
  const file = path.join(PROJECT_ROOT, "Pulumi.dev.yaml");
  const config = (YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> })
    .config;
  return environmentFromConfig({ ...config, "secrets-hub:connectivity": "transit-gateway" }, file);
}

async function phasesTable(env: Awaited<ReturnType<typeof dev>>): Promise<string> {
  const { operationPhases } = await import("../../src/topology");
  const rows = (["up", "preview", "destroy"] as const).flatMap((operation) =>
    operationPhases(env, operation).map((p) => [
      code(operation),
      String(p.number),
      p.stacks.join(", "),
      p.purpose,
    ]),
  );
  return table(["operation", "phase", "stacks", "what it does"], rows);
}

/** Descriptions of the names the deploy workflow reads from secrets and variables. */
const WORKFLOW_INPUTS: Record<string, { when: string; what: string }> = {
  PULUMI_ACCESS_TOKEN: {
    when: "Pulumi Cloud",
    what: "an access token of the organization that holds the stacks",
  },
  PULUMI_ORGANIZATION: {
    when: "Pulumi Cloud",
    what: "that organization; default `organization`, the only one a self-managed backend knows",
  },
  PULUMI_BACKEND_URL: {
    when: "self-managed state",
    what: "e.g. `s3://<bucket>`; leave unset for Pulumi Cloud",
  },
  PULUMI_CONFIG_PASSPHRASE: {
    when: "self-managed state with the passphrase secrets provider",
    what: "the passphrase of the stacks' secrets",
  },
  "DEPLOY_ROLE_<account id>": {
    when: "an account without `deployRoleArn` in the environment file",
    what: "the ARN of that account's deploy role",
  },
};

/** The configuration reference: every field of the JSON Schema, depth first. */
async function configurationTable(): Promise<string> {
  const { environmentFileJsonSchema } = await import("../../src/config/jsonSchema");
  type Node = Record<string, unknown> & {
    properties?: Record<string, Node>;
    items?: Node;
    required?: string[];
  };
  const root = environmentFileJsonSchema() as {
    properties: { config: { properties: Record<string, Node>; required: string[] } };
  };
  const config = root.properties.config;
  const rows: string[][] = [];
  const typeOf = (n: Node): string => {
    if (Array.isArray(n.enum)) return n.enum.map((v) => JSON.stringify(v)).join(" | ");
    if (n.const !== undefined) return JSON.stringify(n.const);
    if (Array.isArray(n.anyOf)) return [...new Set((n.anyOf as Node[]).map(typeOf))].join(" or ");
    if (n.type === "array") return `array of ${n.items ? typeOf(n.items) : "any"}`;
    if (n.type === "object" && !n.properties && n.additionalProperties)
      return `map of ${typeOf(n.additionalProperties as Node)}`;
    return typeof n.type === "string" ? n.type : "any";
  };
  const visit = (key: string, n: Node, required: boolean) => {
    const facts: string[] = [];
    for (const [k, label] of [
      ["minimum", "≥"],
      ["maximum", "≤"],
      ["minItems", "items ≥"],
      ["maxItems", "items ≤"],
      ["maxLength", "length ≤"],
    ] as const)
      if (n[k] !== undefined) facts.push(`${label} ${String(n[k])}`);
    if (typeof n.pattern === "string") facts.push(`pattern ${code(n.pattern)}`);
    rows.push([
      code(key),
      typeOf(n),
      n.default !== undefined
        ? code(JSON.stringify(n.default))
        : required
          ? "required"
          : "optional",
      facts.join(", "),
      typeof n.description === "string" ? n.description : "",
    ]);
    const objectNode = n.properties ? n : n.items?.properties ? n.items : undefined;
    if (!objectNode?.properties) return;
    const prefix = objectNode === n ? key : `${key}[]`;
    for (const [field, child] of Object.entries(objectNode.properties))
      visit(`${prefix}.${field}`, child, (objectNode.required ?? []).includes(field));
  };
  for (const [key, n] of Object.entries(config.properties))
    visit(key, n, config.required.includes(key));
  return table(["key", "type", "default", "allowed", "description"], rows);
}

export const BLOCKS: readonly Block[] = [
  {
    name: "keys",
    file: "README.md",
    async render() {
      const { projectConfig } = await import("../../src/config/jsonSchema");
      return table(
        ["key", "default", "what"],
        Object.entries(projectConfig()).map(([key, spec]) => [
          code(key),
          spec.default === undefined ? "required" : code(String(spec.default)),
          spec.description,
        ]),
      );
    },
  },
  {
    name: "configuration",
    file: "docs/configuration.md",
    render: configurationTable,
  },
  {
    name: "phases",
    file: "docs/deploy.md",
    render: async () => phasesTable(await dev()),
  },
  {
    name: "phases-transit-gateway",
    file: "docs/connectivity.md",
    render: async () => phasesTable(await devTransitGateway()),
  },
  {
    name: "jobs",
    file: "docs/ci.md",
    async render() {
      const { deployWorkflow } = await import("../../src/pipeline/workflow");
      const workflow = deployWorkflow(await dev(), { configFile: "Pulumi.dev.yaml" });
      return table(
        ["job", "needs", "runs when", "matrix"],
        Object.entries(workflow.jobs).map(([id, job]) => [
          code(id),
          (job.needs ?? []).map(code).join(", "),
          code(job.if ?? "always"),
          job.strategy
            ? job.strategy.matrix.include.map((m) => m.stack).join(", ")
            : `(one job: ${job.name})`,
        ]),
      );
    },
  },
  {
    name: "workflow-inputs",
    file: "docs/ci.md",
    async render() {
      const { deployWorkflow, deployRoleVariable, workflowYaml } =
        await import("../../src/pipeline/workflow");
      const text = workflowYaml(deployWorkflow(await dev(), { configFile: "Pulumi.dev.yaml" }), "");
      const used = new Map<string, string>();
      for (const m of text.matchAll(/\b(secrets|vars)\.([A-Z][A-Z0-9_]*)/g))
        used.set(m[2], m[1] === "secrets" ? "secret" : "variable");
      const role = deployRoleVariable("{0}");
      if (text.includes(`'${role}'`)) used.set(deployRoleVariable("<account id>"), "variable");
      for (const name of used.keys())
        if (!WORKFLOW_INPUTS[name])
          throw new Error(`the deploy workflow reads ${name}: describe it in scripts/lib/docs.ts`);
      return table(
        ["name", "kind", "when", "what"],
        [...used].map(([name, kind]) => [
          code(name),
          kind,
          WORKFLOW_INPUTS[name].when,
          WORKFLOW_INPUTS[name].what,
        ]),
      );
    },
  },
  {
    name: "policies",
    file: "policy-pack/README.md",
    async render() {
      const { policyGroups } = await import("../../policy-pack/policies");
      const rows = Object.entries(policyGroups).flatMap(([group, policies]) =>
        policies.map((p) => {
          const properties = (p.configSchema?.properties ?? {}) as Record<
            string,
            { default?: unknown; minimum?: number; maximum?: number }
          >;
          const parameters = Object.entries(properties).map(([name, s]) => {
            const range =
              s.minimum !== undefined || s.maximum !== undefined
                ? `, ${s.minimum ?? ""}-${s.maximum ?? ""}`
                : "";
            return `${code(name)} (${JSON.stringify(s.default)}${range})`;
          });
          return [
            group,
            code(p.name),
            p.enforcementLevel ?? "advisory",
            p.description ?? "",
            parameters.join(", "),
          ];
        }),
      );
      return table(["group", "policy", "level", "enforces", "parameters (default, range)"], rows);
    },
  },
  {
    name: "engines",
    file: "docs/rotation.md",
    async render() {
      const { ENGINES, ENGINE_SPECS, rotationShortName } = await import("../../kernel/engines");
      return table(
        [
          "engine",
          "deployment",
          "secret `engine`",
          "identifier key",
          "port",
          "rotation applications",
          "master user (created)",
          "instance classes",
          "versions",
        ],
        ENGINES.map((engine) => {
          const spec = ENGINE_SPECS[engine];
          const created = spec.masterUser.created;
          return [
            code(engine),
            spec.deployment === "instance" ? "RDS instance" : "Aurora cluster",
            code(spec.family),
            code(spec.identifierKey),
            String(spec.defaultPort),
            (["single-user", "multi-user"] as const)
              .map(
                (s) =>
                  `${code(rotationShortName(engine, s))} (${spec.rotationApplications[s].name})`,
              )
              .join(", "),
            `at most ${created.max}; not ${created.reserved.map(code).join(", ")}`,
            spec.instanceClasses?.allowed ?? "left to RDS",
            spec.engineVersions
              ? `${spec.engineVersions.form}; majors ${spec.engineVersions.majors.join(", ")}`
              : "left to RDS",
          ];
        }),
      );
    },
  },
  {
    name: "regions",
    file: "docs/regions.md",
    async render() {
      const { REGIONS, zoneNames } = await import("../../kernel/regions");
      return table(
        ["Region", "partition", "opt-in", "zones (in some account)"],
        REGIONS.map((r) => [
          code(r.name),
          r.partition,
          r.optIn ? "yes: the account enables it first" : "no",
          zoneNames(r).join(", "),
        ]),
      );
    },
  },
  {
    name: "application-user",
    file: "docs/rotation.md",
    async render() {
      const {
        POSTGRES_APPLICATION_RIGHTS: pg,
        MYSQL_APPLICATION_RIGHTS,
        MYSQL_USER_HOST,
      } = await import("../../functions/application-user/rights");
      const account = `'<user>'@'${MYSQL_USER_HOST}'`;
      return table(
        ["engine", "statement (as the master)", "when"],
        [
          ["PostgreSQL", code("SELECT 1 FROM pg_roles WHERE rolname = $1"), "always"],
          [
            "PostgreSQL",
            code('CREATE ROLE "<user>" WITH LOGIN PASSWORD ***'),
            "the role is absent",
          ],
          [
            "PostgreSQL",
            code("SELECT pg_has_role(current_user, $1, 'MEMBER WITH ADMIN OPTION')"),
            "the role exists, PostgreSQL 16 or later: refused without ADMIN OPTION",
          ],
          [
            "PostgreSQL",
            code(`GRANT ${pg.database.join(", ")} ON DATABASE "<dbname>" TO "<user>"`),
            "always",
          ],
          [
            "PostgreSQL",
            code(`GRANT ${pg.schemaRights.join(", ")} ON SCHEMA "${pg.schema}" TO "<user>"`),
            "always",
          ],
          ["MySQL", code("SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?"), "always"],
          [
            "MySQL",
            code(`CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY *** REQUIRE SSL`),
            "the user is absent",
          ],
          [
            "MySQL",
            code(`GRANT ${MYSQL_APPLICATION_RIGHTS.join(", ")} ON <dbname>.* TO ${account}`),
            "always (`<dbname>` quoted as an identifier)",
          ],
        ],
      );
    },
  },
  {
    name: "excluded-regions",
    file: "docs/regions.md",
    async render() {
      const { EXCLUDED_REGIONS } = await import("../../kernel/regions");
      return table(
        ["Region", "why the program does not deploy there"],
        Object.entries(EXCLUDED_REGIONS).map(([name, why]) => [code(name), why]),
      );
    },
  },
  {
    name: "partitions",
    file: "docs/regions.md",
    async render() {
      const { PARTITIONS, PARTITION_SPECS, rotationApplicationArn } =
        await import("../../kernel/partitions");
      const { ENGINE_SPECS, ENGINES, ROTATION_STRATEGIES } = await import("../../kernel/engines");
      return table(
        ["partition", "DNS suffix", "rotation application", "ARN", "version deployed"],
        PARTITIONS.flatMap((partition) =>
          ENGINES.flatMap((engine) =>
            ROTATION_STRATEGIES.map((strategy) => {
              const app = ENGINE_SPECS[engine].rotationApplications[strategy];
              return [
                partition,
                PARTITION_SPECS[partition].dnsSuffix,
                app.name,
                code(rotationApplicationArn(partition, app.name)),
                partition === "aws"
                  ? `rotation.applicationVersion (the kernel pins ${app.versions.aws})`
                  : `${app.versions[partition]} (with applicationVersion ${app.versions.aws})`,
              ];
            }),
          ),
        ),
      );
    },
  },
  {
    name: "quotas",
    file: "docs/scale.md",
    async render() {
      const { QUOTAS, isHardLimit } = await import("../../policy-pack/lib/quotas");
      return table(
        ["quota", "code", "AWS default", "most AWS grants", "note"],
        Object.values(QUOTAS).map((q: import("../../policy-pack/lib/quotas").Quota) => [
          q.name,
          `${q.serviceCode}${q.quotaCode ? ` ${q.quotaCode}` : ""}`,
          q.defaultValue.toLocaleString("en-US"),
          isHardLimit(q)
            ? "hard limit"
            : q.maximum === undefined
              ? "no published maximum"
              : q.maximum.toLocaleString("en-US"),
          q.note ?? "",
        ]),
      );
    },
  },
  {
    name: "bench",
    file: "docs/scale.md",
    measured: true,
    render: () => "",
  },
  {
    name: "wall-time",
    file: "docs/scale.md",
    slow: true,
    // scripts/wall-time.ts prints the table: it generates and validates environments of 3, 50
    // and 125 workloads (seconds), so it runs in its own process, as a user runs it.
    render: () =>
      execFileSync(process.execPath, ["--import", "tsx", "scripts/wall-time.ts"], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
      }),
  },
  {
    name: "dev-diagram",
    file: "docs/plan.md",
    slow: true,
    async render() {
      const { diagramPlan } = await import("../../src/offline/plan");
      const { mermaidTopology } = await import("../../src/offline/mermaid");
      const diagram = mermaidTopology(await diagramPlan(await dev()));
      return ["```mermaid", diagram, "```"].join("\n");
    },
  },
];

export const FILES: readonly GeneratedFile[] = [
  {
    file: "schema/environment.schema.json",
    render: () => environmentSchemaText(),
  },
  {
    // The `config:` section of Pulumi.yaml; the rest of the file (and its comments) is kept.
    file: "Pulumi.yaml",
    async render(current) {
      const { projectConfig } = await import("../../src/config/jsonSchema");
      const document = YAML.parseDocument(current);
      const config = new YAML.YAMLMap();
      for (const [key, spec] of Object.entries(projectConfig())) {
        const declaration = document.createNode(spec) as YAML.YAMLMap;
        const description = declaration.get("description", true) as YAML.Scalar;
        if (spec.description.length > 70) description.type = YAML.Scalar.BLOCK_FOLDED;
        config.set(key, declaration);
      }
      document.set("config", config);
      const text = document.toString({ lineWidth: 100 });
      const options = await prettier.resolveConfig(path.join(PROJECT_ROOT, "Pulumi.yaml"));
      return prettier.format(text, {
        ...options,
        filepath: path.join(PROJECT_ROOT, "Pulumi.yaml"),
      });
    },
  },
];
