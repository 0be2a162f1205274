// The JSON Schema editors read (schema/environment.schema.json): up to date, and it agrees
// with the validator on the shipped files and on plain mistakes.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import YAML from "yaml";
import { SCHEMA_FILE, environmentSchemaText } from "../../scripts/lib/environmentSchema";
import { DEV_FILE } from "../harness";

const ROOT = path.join(__dirname, "..", "..");
const SHIPPED = ["Pulumi.dev.yaml", "Pulumi.adopt.yaml"];

describe("environment file JSON Schema", () => {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")) as Record<string, unknown>;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  const errorsOf = (document: unknown) =>
    validate(document)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
  const dev = () => YAML.parse(fs.readFileSync(DEV_FILE, "utf8")) as { config: any };

  it("is what npm run schema generates", async () => {
    assert.equal(
      fs.readFileSync(SCHEMA_FILE, "utf8"),
      await environmentSchemaText(),
      "schema/environment.schema.json is out of date with src/config/schema.ts: run npm run schema",
    );
    assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  });

  for (const file of SHIPPED) {
    it(`${file} names it on its first line and validates against it`, () => {
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      assert.equal(
        text.split("\n")[0],
        "# yaml-language-server: $schema=./schema/environment.schema.json",
      );
      assert.deepEqual(errorsOf(YAML.parse(text)), []);
    });
  }

  it("refuses plain mistakes: wrong types, unknown keys, a missing key, default providers on", () => {
    const cases: [string, (c: Record<string, any>) => void, RegExp][] = [
      [
        "workloads a string",
        (c) => (c["secrets-hub:workloads"] = "x"),
        /workloads.* must be array/,
      ],
      [
        "unknown project key",
        (c) => (c["secrets-hub:replicaRegoin"] = "us-west-2"),
        /property name must be valid/,
      ],
      [
        "unknown field",
        (c) => (c["secrets-hub:key"].deletionWindow = 7),
        /secrets-hub:key must NOT have additional properties/,
      ],
      ["missing key", (c) => delete c["secrets-hub:rotation"], /must have required property/],
      [
        "out of range",
        (c) => (c["secrets-hub:key"].deletionWindowInDays = 3),
        /deletionWindowInDays must be >= 7/,
      ],
      [
        "default providers on",
        (c) => (c["pulumi:disable-default-providers"] = ["aws"]),
        /disable-default-providers must contain/,
      ],
    ];
    for (const [what, edit, message] of cases) {
      const document = dev();
      edit(document.config);
      assert.match(errorsOf(document).join("\n"), message, what);
    }
  });

  it("accepts what the validator accepts: an unquoted account id, other namespaces", () => {
    const document = dev();
    document.config["secrets-hub:central"].accountId = 111111111111;
    document.config["aws:region"] = "us-east-1";
    assert.deepEqual(errorsOf(document), []);
  });
});
