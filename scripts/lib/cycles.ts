/**
 * Import cycles among the project's own TypeScript files: every import, `export … from`,
 * `import type`, `import()` and `require()` of a file (TypeScript's `preProcessFile`),
 * resolved as the compiler resolves it (`resolveModuleName` with the project's options); a
 * cycle is a strongly connected set of files (Tarjan's algorithm), or a file that imports
 * itself. This is the graph madge drew for `npm run cycles` before (type imports and dynamic
 * imports counted), without a second parser of every file: `npm test`'s checks build the
 * file list once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/** The project's files in `dirs` (relative to `root`), from the tsconfig's file list. */
export function projectFiles(root: string, fileNames: readonly string[], dirs: readonly string[]) {
  const inside = (f: string) => {
    const rel = path.relative(root, f);
    return dirs.some((d) => rel === d || rel.startsWith(`${d}${path.sep}`));
  };
  return fileNames.filter((f) => !f.endsWith(".d.ts") && !f.includes("node_modules") && inside(f));
}

/** Each cycle as its files (relative to `root`), in import order from its first file. */
export function importCycles(
  root: string,
  files: readonly string[],
  options: ts.CompilerOptions,
): string[][] {
  const own = new Set(files.map((f) => path.resolve(f)));
  const edges = new Map<string, string[]>();
  for (const file of own) {
    const text = fs.readFileSync(file, "utf8");
    const { importedFiles } = ts.preProcessFile(text, true, true);
    const targets = importedFiles
      .map((i) => ts.resolveModuleName(i.fileName, file, options, ts.sys).resolvedModule)
      .map((m) => (m ? path.resolve(m.resolvedFileName) : undefined))
      .filter((t): t is string => t !== undefined && own.has(t));
    edges.set(file, [...new Set(targets)]);
  }
  // Tarjan's strongly connected components, iteratively deep-first.
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  for (const start of [...own].sort()) {
    if (indexOf.has(start)) continue;
    const work: { file: string; next: number }[] = [{ file: start, next: 0 }];
    indexOf.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const targets = edges.get(top.file)!;
      if (top.next < targets.length) {
        const t = targets[top.next++];
        if (!indexOf.has(t)) {
          indexOf.set(t, index);
          low.set(t, index++);
          stack.push(t);
          onStack.add(t);
          work.push({ file: t, next: 0 });
        } else if (onStack.has(t)) {
          low.set(top.file, Math.min(low.get(top.file)!, indexOf.get(t)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].file;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.file)!));
      }
      if (low.get(top.file) !== indexOf.get(top.file)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== top.file);
      if (component.length > 1 || edges.get(top.file)!.includes(top.file))
        cycles.push(component.map((f) => path.relative(root, f)).sort());
    }
  }
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

/** The folders checked: the program and its tools, not the tests. */
export const CYCLE_DIRS = [
  "index.ts",
  "src",
  "components",
  "kernel",
  "policy-pack",
  "scripts",
  "functions",
];

/** Prints each cycle; true when there is none. */
export function reportCycles(
  root: string,
  fileNames: readonly string[],
  options: ts.CompilerOptions,
): boolean {
  const cycles = importCycles(root, projectFiles(root, fileNames, CYCLE_DIRS), options);
  for (const cycle of cycles) console.error(`import cycle: ${cycle.join(" > ")}`);
  if (cycles.length > 0) console.error(`cycles: ${cycles.length} import cycle(s)`);
  return cycles.length === 0;
}
