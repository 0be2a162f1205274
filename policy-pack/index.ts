// secrets-hub-guard: registers the policies; their logic lives in policies/, one file per group.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME } from "./lib/names";
import { allPolicies } from "./policies";

new PolicyPack(PACK_NAME, { policies: allPolicies });
