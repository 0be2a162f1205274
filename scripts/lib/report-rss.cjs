// Preloaded by the benchmark into the processes it measures: on exit, appends the
// process's peak resident set size (kB) to the file named by BENCH_RSS_FILE.
const fs = require("node:fs");
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on("exit", () => fs.appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
}
