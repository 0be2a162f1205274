// Composition root: read and validate the environment file, pick this stack's account
// program from the stack name, export its outputs. No resource is built here.
import * as pulumi from "@pulumi/pulumi";
import { environmentFromPulumiConfig } from "./src/config";
import { runAccountProgram } from "./src/stacks";

export = async () => runAccountProgram(environmentFromPulumiConfig(), pulumi.getStack());
