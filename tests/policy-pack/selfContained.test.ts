// The pack is its own package (`pulumi policy publish` uploads policy-pack/ alone): it imports
// nothing outside its folder and no package its package.json does not declare. The program
// imports the pack's lib, never the other way.
import * as assert from "node:assert/strict";
import { builtinModules } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const PACK = path.join(__dirname, "..", "..", "policy-pack");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sources(file);
    return entry.name.endsWith(".ts") ? [file] : [];
  });
}

/** `@scope/name` or `name` of a bare specifier. */
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

describe("policy pack package", () => {
  it("imports only its own files, Node's modules and its declared dependencies", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const problems: string[] = [];
    const files = sources(PACK);
    assert.ok(files.length > 10, "finds the pack's sources");
    for (const file of files) {
      const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
      for (const { fileName: specifier } of importedFiles) {
        const where = `${path.relative(PACK, file)}: ${specifier}`;
        if (specifier.startsWith(".")) {
          const target = path.resolve(path.dirname(file), specifier);
          if (path.relative(PACK, target).startsWith(".."))
            problems.push(`${where} is outside policy-pack/`);
        } else if (
          !specifier.startsWith("node:") &&
          !builtinModules.includes(specifier) &&
          !(packageOf(specifier) in manifest.dependencies)
        ) {
          problems.push(`${where} is not a dependency in policy-pack/package.json`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it("declares what its runner needs to start alone: TypeScript and Node's types", () => {
    const pack = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8"));
    const root = JSON.parse(fs.readFileSync(path.join(PACK, "..", "package.json"), "utf8"));
    assert.equal(pack.dependencies.typescript, root.devDependencies.typescript);
    assert.equal(pack.dependencies["@types/node"], root.devDependencies["@types/node"]);
    assert.equal(pack.dependencies["@pulumi/pulumi"], root.dependencies["@pulumi/pulumi"]);
  });
});
