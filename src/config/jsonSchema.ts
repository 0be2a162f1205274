/**
 * The JSON Schema of a whole environment file (`Pulumi.<env>.yaml`), for editors
 * (docs/configuration.md): generated from the one zod schema, never written by hand
 * (`npm run docs` writes schema/environment.schema.json). It states what a schema can:
 * the keys, types, patterns, ranges and defaults of each field, the keys Pulumi.yaml
 * requires, and what `pulumi:disable-default-providers` must list. The rules that span the
 * environment (CIDR overlaps, unique names, the replica Region, ...) and the checks of
 * `.refine` are the validator's alone: `npm run plan` reports them.
 *
 * The field descriptions have one source, the zod schema's metadata (`.meta({ description })`);
 * `projectConfig` derives Pulumi.yaml's `config:` declarations from it, and `npm run docs`
 * writes them there.
 */
import { z } from "zod";
import { CONFIG_KEYS, accountId, environmentSchema } from "./schema";

const PREFIX = "secrets-hub:";
const DISABLE_DEFAULT_PROVIDERS = "pulumi:disable-default-providers";

type JsonSchema = Record<string, unknown>;

/** One key as Pulumi.yaml declares it. */
export interface ProjectKey {
  description: string;
  default?: string | number | boolean;
}

/**
 * Pulumi.yaml's `config:` declarations, from the zod schema: each key's description (its
 * `.meta({ description })`) and, for a key whose default is a scalar, that default (Pulumi
 * gives defaults to scalar keys only, and requires every key declared without one).
 */
export function projectConfig(): Record<string, ProjectKey> {
  const keys: Record<string, ProjectKey> = {};
  for (const key of CONFIG_KEYS) {
    const field = environmentSchema.shape[key];
    const description = z.globalRegistry.get(field)?.description;
    if (!description) throw new Error(`src/config/schema.ts: ${PREFIX}${key} has no description`);
    const absent = field.safeParse(undefined);
    const scalar = absent.success && ["string", "number", "boolean"].includes(typeof absent.data);
    keys[PREFIX + key] = scalar
      ? { description, default: absent.data as string | number | boolean }
      : { description };
  }
  return keys;
}

/** The schema of the environment file: `{ config: { "secrets-hub:<key>": ..., ... } }`. */
export function environmentFileJsonSchema(): JsonSchema {
  const project = projectConfig();
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
  for (const [key, schema] of Object.entries(env.properties)) keys[PREFIX + key] = schema;
  const declared = Object.keys(keys);
  // Pulumi requires every key Pulumi.yaml declares without a default (and so does the validator).
  const required = Object.entries(project)
    .filter(([, spec]) => spec.default === undefined)
    .map(([key]) => key);

  return {
    $schema: env.$schema,
    title: "secrets-hub environment file (Pulumi.<env>.yaml)",
    description:
      "Generated from src/config/schema.ts by `npm run docs`; do not edit. Cross-field rules (CIDR overlaps, unique names, replica Region) are checked by `npm run plan`.",
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
