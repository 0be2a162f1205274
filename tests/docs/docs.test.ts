// The generated docs (scripts/lib/docs.ts): a stale or hand-edited block fails the check,
// naming the block and its file; the descriptions have one source; the README opens with
// the two commands CI runs.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import {
  BLOCKS,
  FILES,
  blockContent,
  checkDocs,
  markedBlocks,
  withBlock,
  writeDocs,
  type Block,
} from "../../scripts/lib/docs";
import { CONFIG_KEYS, environmentSchema } from "../../src/config";
import { projectConfig } from "../../src/config/jsonSchema";
import { runScript, tempDir } from "../harness";

const ROOT = path.join(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** A copy of the files the docs generate, in a temp folder, to edit without touching ours. */
function copyOfDocs(): string {
  const dir = tempDir();
  for (const file of new Set([...BLOCKS.map((b) => b.file), ...FILES.map((f) => f.file)])) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  return dir;
}

describe("generated docs", () => {
  // That the shipped docs are up to date is `npm run docs -- --check --fast`, run by npm test.
  it("detects a block edited by hand, naming the block and its file", async () => {
    const dir = copyOfDocs();
    const file = path.join(dir, "docs", "deploy.md");
    const text = fs.readFileSync(file, "utf8");
    const phases = blockContent(text, "phases")!;
    assert.match(phases, /dev-central/);
    // A hand edit: one phase's purpose changed, as someone "fixing" the table would.
    fs.writeFileSync(
      file,
      withBlock(text, "phases", phases.replace("central secrets", "central SECRETS")),
    );
    const stale = await checkDocs({ root: dir, fast: true });
    assert.deepEqual(
      stale.map((s) => [s.file, s.block]),
      [["docs/deploy.md", "phases"]],
    );
    assert.match(
      stale[0].message,
      /^docs\/deploy\.md: the generated block 'phases' is out of date .*run npm run docs$/,
    );
    // npm run docs puts it back.
    assert.deepEqual(await writeDocs({ root: dir, fast: true }), ["docs/deploy.md"]);
    assert.equal(fs.readFileSync(file, "utf8"), text);
  });

  it("fails a stale block: the code changed, the text did not", async () => {
    const dir = copyOfDocs();
    const changed: Block[] = BLOCKS.map((b) =>
      b.name === "quotas" ? { ...b, render: () => "| quota |\n|---|\n| a new quota |" } : b,
    );
    const stale = await checkDocs({ root: dir, fast: true, blocks: changed, files: [] });
    assert.deepEqual(
      stale.map((s) => s.message),
      [
        "docs/scale.md: the generated block 'quotas' is out of date (edited by hand, or the code changed): run npm run docs",
      ],
    );
  });

  it("detects a hand edit of a generated file (Pulumi.yaml's descriptions)", async () => {
    const dir = copyOfDocs();
    const file = path.join(dir, "Pulumi.yaml");
    fs.writeFileSync(
      file,
      fs.readFileSync(file, "utf8").replace("Environment name", "The environment name"),
    );
    const stale = await checkDocs({ root: dir, fast: true, blocks: [] });
    assert.deepEqual(
      stale.map((s) => s.file),
      ["Pulumi.yaml"],
    );
    assert.match(stale[0].message, /^Pulumi\.yaml is out of date .*run npm run docs$/);
  });

  it("refuses unbalanced markers, a marker without a generator and a generator without markers", async () => {
    assert.throws(
      () => markedBlocks("<!-- generated:a -->\n", "x.md"),
      /x\.md: <!-- generated:a --> has no <!-- \/generated:a -->/,
    );
    assert.throws(
      () => markedBlocks("<!-- generated:a -->\n<!-- generated:b -->", "x.md"),
      /inside the block 'a'/,
    );
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "x.md"), "<!-- generated:a -->\n<!-- /generated:a -->\n");
    const block = (name: string): Block => ({ name, file: "x.md", render: () => "" });
    await assert.rejects(
      checkDocs({ root: dir, blocks: [block("b")], files: [] }),
      /x\.md: no generator for the block 'a'/,
    );
    fs.writeFileSync(path.join(dir, "x.md"), "nothing marked\n");
    await assert.rejects(
      checkDocs({ root: dir, blocks: [block("b")], files: [] }),
      /x\.md: the block 'b' is missing/,
    );
  });

  it("@slow npm run docs -- --check exits 1 naming the stale block; the slow blocks are up to date", async () => {
    const stale = await checkDocs();
    assert.deepEqual(
      stale.map((s) => s.message),
      [],
    );
    const dir = copyOfDocs();
    const file = path.join(dir, "README.md");
    const readme = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, withBlock(readme, "keys", blockContent(readme, "keys")! + "\n| x |"));
    const run = await runScript("docs", ["--check", "--fast", "--root", dir]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /^README\.md: the generated block 'keys' is out of date/m);
  });
});

describe("field descriptions, from the zod schema", () => {
  const project = YAML.parse(read("Pulumi.yaml")) as {
    config: Record<string, { description?: string; default?: unknown }>;
  };

  it("every key has a description in the zod schema, and Pulumi.yaml says the same", () => {
    const expected = projectConfig();
    assert.deepEqual(Object.keys(project.config).sort(), Object.keys(expected).sort());
    for (const key of CONFIG_KEYS) {
      const description = z.globalRegistry.get(environmentSchema.shape[key])?.description;
      assert.ok(description, `secrets-hub:${key} has no .meta({ description })`);
      assert.equal(
        project.config[`secrets-hub:${key}`].description,
        description,
        `Pulumi.yaml's description of secrets-hub:${key} differs from src/config/schema.ts: run npm run docs`,
      );
      assert.deepEqual(
        project.config[`secrets-hub:${key}`].default,
        expected[`secrets-hub:${key}`].default,
      );
    }
  });

  it("the JSON Schema carries the same descriptions", () => {
    const schema = JSON.parse(read("schema/environment.schema.json")) as {
      properties: { config: { properties: Record<string, { description?: string }> } };
    };
    for (const [key, spec] of Object.entries(project.config))
      assert.equal(schema.properties.config.properties[key].description, spec.description, key);
  });
});

describe("README", () => {
  /** Command lines of a shell text: comments and `set`/`cd` lines left out. */
  const commands = (text: string) =>
    text
      .split("\n")
      .map((l) => l.replace(/\s+#.*$/, "").trim())
      .filter((l) => l && !l.startsWith("#") && !/^(set|cd)\b/.test(l));
  // npm's output-only flags change nothing a user sees but the noise.
  const normalize = (line: string) => line.replace(/ --no-(audit|fund)\b/g, "");

  it("opens with the two commands .ci/run runs first, in its first code block", () => {
    const readme = read("README.md");
    const first = /^# secrets-hub\n\n```sh\n([\s\S]*?)```/.exec(readme);
    assert.ok(first, "the README starts with its title and then a sh code block");
    const shown = commands(first[1]);
    assert.deepEqual(shown, ["npm ci && npm run plan -- --env dev", "npm test"]);
    assert.deepEqual(commands(read(".ci/run")).slice(0, 2).map(normalize), shown);
  });

  it("stays short: at most 250 lines", () => {
    assert.ok(read("README.md").split("\n").length <= 250);
  });
});
