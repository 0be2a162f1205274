// The import-cycle check of npm test (scripts/lib/cycles.ts).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { importCycles } from "../../scripts/lib/cycles";
import { tempDir } from "../harness";

function project(files: Record<string, string>): { root: string; files: string[] } {
  const root = tempDir();
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return { root, files: Object.keys(files).map((f) => path.join(root, f)) };
}

describe("import cycles", () => {
  it("finds cycles through type-only, dynamic and re-exporting imports, and nothing else", () => {
    const { root, files } = project({
      "a.ts": 'import { b } from "./b";\nexport const a = b;\n',
      "b.ts": 'import type { T } from "./sub/c";\nexport const b = 1 as unknown as T;\n',
      "sub/c.ts": 'export * from "../a";\nexport type T = number;\n',
      "d.ts": 'export const d = () => import("./e");\n',
      "e.ts": 'export { d } from "./d";\n',
      "f.ts":
        'import { a } from "./a";\nimport * as fs from "node:fs";\nexport const f = [a, fs];\n',
      "g.ts": 'import "./g";\n',
    });
    assert.deepEqual(importCycles(root, files, { module: 1 }), [
      ["a.ts", "b.ts", "sub/c.ts"],
      ["d.ts", "e.ts"],
      ["g.ts"],
    ]);
  });
});
