// secrets-hub-guard: registers the policies; their logic lives in policies/, one file per group.
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

new PolicyPack("secrets-hub-guard", { policies: allPolicies });
