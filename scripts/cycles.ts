/**
 * npm run cycles: exits 1 naming each import cycle among the project's own files (see
 * scripts/lib/cycles.ts), 0 when there is none. `npm test` runs the same check.
 */
import * as path from "node:path";
import * as ts from "typescript";
import { reportCycles } from "./lib/cycles";

const ROOT = path.resolve(__dirname, "..");
const parsed = ts.getParsedCommandLineOfConfigFile(
  path.join(ROOT, "tsconfig.json"),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      console.error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      process.exit(2);
    },
  },
);
process.exit(reportCycles(ROOT, parsed!.fileNames, parsed!.options) ? 0 : 1);
