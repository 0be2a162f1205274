import { accessPolicies } from "./access";
import { cmkPolicies } from "./cmk";
import { databasePolicies } from "./database";
import { environmentPolicies } from "./environment";
import { keyPolicies } from "./keys";
import { privateDnsPolicies } from "./privateDns";
import { rotationPolicies } from "./rotation";
import { transitGatewayPolicies } from "./transitGateway";

/** Every policy of the pack, by group. */
export const policyGroups = {
  cmk: cmkPolicies,
  privateDns: privateDnsPolicies,
  rotation: rotationPolicies,
  keys: keyPolicies,
  access: accessPolicies,
  environment: environmentPolicies,
  transitGateway: transitGatewayPolicies,
  database: databasePolicies,
};

export const allPolicies = Object.values(policyGroups).flat();
