/**
 * npm run docs [-- --check] [--fast]: writes every generated block of the docs (the tables and
 * lists the code knows, between `<!-- generated:NAME -->` markers), schema/environment.schema.json
 * and Pulumi.yaml's `config:` declarations (scripts/lib/docs.ts). `--check` writes nothing and
 * exits 1 naming each stale block and its file; `--fast` skips the blocks that need the stacks
 * run under mocks (the dev diagram), as `npm test` does (`npm run test:slow` checks them).
 */
import { Option } from "commander";
import { EXIT, defaultText, newCommand, runCli } from "./lib/cli";

interface Options {
  check: boolean;
  fast: boolean;
  root?: string;
}

const command = newCommand(
  "docs",
  "Writes the generated blocks of README.md, docs/ and policy-pack/README.md, schema/environment.schema.json and the config declarations of Pulumi.yaml, from the code that knows them.",
)
  .addOption(
    new Option(
      "--check",
      "write nothing; exit 1 naming every block or file that is out of date",
    ).default(false),
  )
  .addOption(
    new Option(
      "--fast",
      "skip the blocks that run the stacks under mocks (the dev diagram of docs/plan.md)",
    ).default(false),
  )
  .option(
    "--root <dir>",
    `read and write the docs in a copy of the project's files at DIR${defaultText("the project root")}`,
  )
  .addHelpText("after", "\nExit status: 0 up to date (or written), 1 out of date (--check).");

async function main(options: Options): Promise<number> {
  // Loaded after parsing: the generators bring the config and the policy pack's modules.
  const { checkDocs, writeDocs } = await import("./lib/docs");
  if (options.check) {
    const stale = await checkDocs({ fast: options.fast, root: options.root });
    for (const s of stale) console.error(s.message);
    return stale.length === 0 ? EXIT.ok : EXIT.failed;
  }
  const written = await writeDocs({ fast: options.fast, root: options.root });
  for (const file of written) console.error(`wrote ${file}`);
  if (written.length === 0) console.error("the docs are up to date");
  return EXIT.ok;
}

runCli(command, main);
