/**
 * The environment-wide config rules, split by concern (network, regions, names, database,
 * rotation, adoption, connectivity, alerts, analyzer), and the one entry point that runs them. Each rule reports issues
 * with the key path, the offending input and advice.
 */
import { environmentView } from "../view";
import * as adoption from "./adoption";
import * as alerts from "./alerts";
import * as analyzer from "./analyzer";
import * as connectivity from "./connectivity";
import * as database from "./database";
import * as estate from "./estate";
import * as names from "./names";
import * as network from "./network";
import * as regions from "./regions";
import * as rotation from "./rotation";
import type { Report, Rule } from "./rule";

export type { Issue, Report, Rule } from "./rule";
export * from "./adoption";
export * from "./alerts";
export * from "./analyzer";
export * from "./connectivity";
export * from "./database";
export * from "./estate";
export * from "./names";
export * from "./network";
export * from "./regions";
export * from "./rotation";

/** Every environment-wide rule, in the order their issues are listed. */
export const RULES: readonly Rule[] = [
  regions.regionsExist,
  network.replicaRegionDiffers,
  network.vpcCidrsDisjoint,
  names.accountIdsUnique,
  names.workloadNamesUnique,
  network.zonesInRegion,
  regions.zonesExist,
  network.zonesDistinct,
  network.subnetsFitVpc,
  names.roleNameFits,
  names.rdsIdentifierValid,
  estate.workloadEstateForm,
  estate.estateNamesUnique,
  estate.estateResourceNamesUnique,
  estate.readersValid,
  estate.readerRoleNameFits,
  estate.readerPolicyFits,
  estate.allowFromInVpc,
  estate.databaseDeployment,
  estate.customRotationInCentral,
  names.secretNamesUnique,
  database.databaseUsernameValid,
  names.environmentNamesFit,
  rotation.rotationWindowFits,
  network.onePartition,
  names.deployRoleInAccount,
  connectivity.connectivityLimits,
  names.keyPolicyFits,
  rotation.secretWindowFits,
  adoption.existingVpcSubnets,
  adoption.existingDatabaseInExistingVpc,
  adoption.existingVpcIdsUnique,
  adoption.existingVpcsDistinct,
  adoption.existingDatabaseSettings,
  adoption.existingDatabaseHost,
  rotation.rotationUsers,
  rotation.multiUserNames,
  connectivity.connectivitySettings,
  alerts.alertsTopicInCentralRegion,
  analyzer.accessAnalyzerRegions,
  regions.rotationVersionInPartition,
];

/** Runs every rule on `value` (the environment, valid or not). */
export function checkEnvironment(value: unknown, report: Report): void {
  const env = environmentView(value);
  for (const rule of RULES) rule.check(env, report);
}
