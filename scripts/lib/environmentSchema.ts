/**
 * schema/environment.schema.json as `npm run schema` writes it: the generated JSON Schema
 * (src/config/jsonSchema.ts), formatted by Prettier with the project's settings so that
 * `npm run format:check` accepts it as written.
 */
import * as path from "node:path";
import * as prettier from "prettier";
import { environmentFileJsonSchema } from "../../src/config/jsonSchema";
import { PROJECT_ROOT } from "./cli";

export const SCHEMA_FILE = path.join(PROJECT_ROOT, "schema", "environment.schema.json");

/** The text of the schema file, as it must be shipped. */
export async function environmentSchemaText(): Promise<string> {
  const options = await prettier.resolveConfig(SCHEMA_FILE);
  return prettier.format(JSON.stringify(environmentFileJsonSchema(), null, 2), {
    ...options,
    filepath: SCHEMA_FILE,
  });
}
