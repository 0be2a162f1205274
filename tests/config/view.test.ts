import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import YAML from "yaml";
import { parseEnvironment } from "../../src/config";
import { environmentView } from "../../src/config/view";
import { DEV_FILE } from "../harness";

/** The keys of Pulumi.dev.yaml (namespace stripped), as a fresh document to edit. */
function devConfig(): Record<string, any> {
  const document = YAML.parse(fs.readFileSync(DEV_FILE, "utf8")) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(document.config)
      .filter(([key]) => key.startsWith("secrets-hub:"))
      .map(([key, value]) => [key.slice("secrets-hub:".length), value]),
  );
}

describe("config rules' view of the environment", () => {
  it("applies the defaults the schema applies to the same file", () => {
    const raw = devConfig();
    delete raw.rotation.schedule;
    delete raw.connectivity;
    for (const w of raw.workloads) delete w.database.rotationStrategy;
    const env = parseEnvironment(raw);
    const view = environmentView(raw);
    assert.equal(view.rotation.schedule, env.rotation.schedule);
    assert.equal(view.connectivity, env.connectivity);
    view.workloads.forEach((w, i) => {
      assert.equal(w.databases[0].rotationStrategy, env.workloads[i].databases[0].rotationStrategy);
      assert.equal(w.secret.schedule, env.rotation.schedule);
    });
  });

  it("a secret's schedule and window are its own, else the environment's", () => {
    const raw = devConfig();
    raw.rotation = { schedule: "rate(7 days)", duration: "4h" };
    raw.workloads[0].secret = { schedule: "rate(1 days)" };
    raw.workloads[1].secret = { duration: "2h" };
    raw.workloads[2].secret = { schedule: true };
    const [own, window, mistyped] = environmentView(raw).workloads.map((w) => w.secret);
    assert.deepEqual([own.schedule, own.durationHours], ["rate(1 days)", 4]);
    assert.deepEqual([window.schedule, window.durationHours], ["rate(7 days)", 2]);
    // A schedule of the wrong type is not replaced by the environment's: its check reports it.
    assert.deepEqual([mistyped.schedule, mistyped.durationHours], [undefined, 4]);
  });

  it("keeps a field of the wrong type out of the typed view, and in `given`", () => {
    const raw = devConfig();
    raw.central.vpcCidr = "10.0.0.0/8";
    raw.workloads[0].database.applicationUsername = 7;
    const view = environmentView(raw);
    assert.equal(view.central.vpcCidr, undefined);
    assert.equal(view.central.vpcCidrGiven, "10.0.0.0/8");
    assert.equal(view.workloads[0].databases[0].applicationUsername, undefined);
    assert.equal(view.workloads[0].databases[0].given.applicationUsername, 7);
  });
});
