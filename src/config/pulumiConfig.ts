/**
 * The `pulumi up` path of the config gate, apart from the rest of `src/config` so that the
 * commands (plan, deploy, bench, pipeline) check a file without loading the Pulumi SDK.
 */
import * as pulumi from "@pulumi/pulumi";
import { environmentFromConfig, parseConfigText } from ".";
import type { Environment } from "./schema";

/**
 * Reads the config of the running Pulumi stack (`pulumi up --config-file ...`): every key,
 * structured values arriving as JSON text.
 */
export function environmentFromPulumiConfig(): Environment {
  const config = Object.fromEntries(
    Object.entries(pulumi.runtime.allConfig()).map(([key, text]) => [key, parseConfigText(text)]),
  );
  return environmentFromConfig(config);
}
