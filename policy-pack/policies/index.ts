import { accessPolicies } from "./access";
import { cmkPolicies } from "./cmk";
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
};

export const allPolicies = Object.values(policyGroups).flat();
