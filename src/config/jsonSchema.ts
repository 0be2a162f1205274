/**
 * The JSON Schema of a whole environment file (`Pulumi.<env>.yaml`), for editors
 * (README, "Editor support"): generated from the one zod schema, never written by hand
 * (`npm run schema` writes schema/environment.schema.json). It states what a schema can:
 * the keys, types, patterns, ranges and defaults of each field, the keys Pulumi.yaml
 * requires, and what `pulumi:disable-default-providers` must list. The rules that span the
 * environment (CIDR overlaps, unique names, the replica Region, ...) and the checks of
 * `.refine` are the validator's alone: `npm run plan` reports them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { accountId, environmentSchema } from "./schema";

const PREFIX = "secrets-hub:";
const DISABLE_DEFAULT_PROVIDERS = "pulumi:disable-default-providers";
const PROJECT_FILE = path.join(__dirname, "..", "..", "Pulumi.yaml");

type JsonSchema = Record<string, unknown>;

/** The schema of the environment file: `{ config: { "secrets-hub:<key>": ..., ... } }`. */
export function environmentFileJsonSchema(): JsonSchema {
  const project = YAML.parse(fs.readFileSync(PROJECT_FILE, "utf8")) as {
    config: Record<string, { description?: string; default?: unknown }>;
  };
  const env = z.toJSONSchema(environmentSchema, {
    io: "input",
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      // A preprocess shows as its output type; the account id also accepts the YAML number.
      if (zodSchema === accountId) {
        const text = { ...jsonSchema };
        for (const key of Object.keys(jsonSchema))
          delete jsonSchema[key as keyof typeof jsonSchema];
        jsonSchema.anyOf = [
          text,
          { type: "integer", minimum: 100000000000, maximum: 999999999999 },
        ];
      }
    },
  }) as JsonSchema & { properties: Record<string, JsonSchema> };

  const keys: Record<string, JsonSchema> = {};
  for (const [key, schema] of Object.entries(env.properties)) {
    const description = project.config[PREFIX + key]?.description;
    keys[PREFIX + key] = description ? { description, ...schema } : schema;
  }
  const declared = Object.keys(keys);
  // Pulumi requires every key Pulumi.yaml declares without a default (and so does the validator).
  const required = Object.entries(project.config)
    .filter(([key, spec]) => key.startsWith(PREFIX) && spec?.default === undefined)
    .map(([key]) => key);

  return {
    $schema: env.$schema,
    title: "secrets-hub environment file (Pulumi.<env>.yaml)",
    description:
      "Generated from src/config/schema.ts by `npm run schema`; do not edit. Cross-field rules (CIDR overlaps, unique names, replica Region) are checked by `npm run plan`.",
    type: "object",
    properties: {
      config: {
        type: "object",
        properties: {
          ...keys,
          [DISABLE_DEFAULT_PROVIDERS]: {
            description:
              'Default providers the engine must not create: "*" (or both aws and aws-native), so that no resource lands in the ambient account.',
            type: "array",
            items: { type: "string" },
            anyOf: [
              { contains: { const: "*" } },
              { allOf: [{ contains: { const: "aws" } }, { contains: { const: "aws-native" } }] },
            ],
          },
        },
        required: [DISABLE_DEFAULT_PROVIDERS, ...required],
        // Other namespaces (aws:, pulumi:, ...) are free; a secrets-hub: key must be one of ours.
        propertyNames: { anyOf: [{ enum: declared }, { not: { pattern: `^${PREFIX}` } }] },
        additionalProperties: true,
      },
    },
    required: ["config"],
  };
}
