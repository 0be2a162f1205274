import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "./iamDocuments";

/** Serializes a policy document once, resolving any Outputs inside it. */
export function toJson(document: pulumi.Input<PolicyDocument>): pulumi.Output<string> {
  return pulumi.jsonStringify(document);
}
