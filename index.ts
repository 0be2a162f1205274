// Composition root: read and validate the environment file, pick this stack's account
// program from the stack name, export its outputs. No resource is built here. Errors meant
// for the user reach the CLI as pulumi.RunError (its message, no stack trace).
import * as pulumi from "@pulumi/pulumi";
import { environmentFromPulumiConfig } from "./src/config/pulumiConfig";
import { atProgramBoundary } from "./src/runError";
import { runAccountProgram } from "./src/stacks";

export = async () =>
  atProgramBoundary(() => runAccountProgram(environmentFromPulumiConfig(), pulumi.getStack()));
