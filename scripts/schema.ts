/**
 * npm run schema [-- --check]: writes schema/environment.schema.json, the JSON Schema of an
 * environment file that editors read (docs/configuration.md); `--check` writes nothing
 * and exits 1 when the shipped file differs from a fresh one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Option } from "commander";
import { EXIT, newCommand, runCli } from "./lib/cli";
import { SCHEMA_FILE, environmentSchemaText } from "./lib/environmentSchema";

interface Options {
  check: boolean;
}

const command = newCommand(
  "schema",
  "Writes schema/environment.schema.json, the JSON Schema of Pulumi.<env>.yaml generated from src/config/schema.ts (docs/configuration.md; npm run docs writes it too).",
).addOption(
  new Option("--check", "write nothing; exit 1 if the shipped file is not up to date").default(
    false,
  ),
);

async function main(options: Options): Promise<number> {
  const text = await environmentSchemaText();
  const relative = path.relative(process.cwd(), SCHEMA_FILE) || SCHEMA_FILE;
  if (options.check) {
    const shipped = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, "utf8") : "";
    if (shipped === text) return EXIT.ok;
    console.error(`${relative} is not up to date with src/config/schema.ts: run npm run schema`);
    return EXIT.failed;
  }
  fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(SCHEMA_FILE, text);
  console.error(`wrote ${relative}`);
  return EXIT.ok;
}

runCli(command, main);
