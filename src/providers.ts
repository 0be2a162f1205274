/**
 * The only place providers are made. Each account stack gets one `aws` and one
 * `aws-native` provider pinned to its account (`allowedAccountIds`) and region, assuming
 * the account's deploy role when the environment file names one. Default providers are
 * disabled by the environment file, so every resource must name one of these.
 */
import * as aws from "@pulumi/aws";
import * as awsNative from "@pulumi/aws-native";
import * as random from "@pulumi/random";
import type { Account, Environment } from "./config";
import { namePrefix } from "./names";

export interface AccountProviders {
  /** Classic provider for the account's primary region (resources may override `region`). */
  readonly aws: aws.Provider;
  /** Cloud Control provider for the account's primary region. */
  readonly awsNative: awsNative.Provider;
  /** Local generator of initial passwords (default providers are disabled, so it is explicit too). */
  readonly random: random.Provider;
}

/** Builds the pair of providers for one account of the environment. */
export function accountProviders(
  env: Environment,
  account: Account,
  name: string,
): AccountProviders {
  const awsProvider = new aws.Provider(`${name}-aws`, {
    region: account.region,
    allowedAccountIds: [account.accountId],
    assumeRoles: account.deployRoleArn
      ? [{ roleArn: account.deployRoleArn, sessionName: sessionName(env, name) }]
      : undefined,
    defaultTags: { tags: { ...env.tags, "secrets-hub:environment": env.environment } },
  });
  return {
    aws: awsProvider,
    awsNative: nativeProvider(`${name}-aws-native`, env, account, name, account.region),
    random: new random.Provider(`${name}-random`),
  };
}

/** The providers as a list, for a component's `providers` option (children inherit them). */
export function providerList(
  providers: AccountProviders,
): [aws.Provider, awsNative.Provider, random.Provider] {
  return [providers.aws, providers.awsNative, providers.random];
}

/**
 * An `aws-native` provider for the account in another Region: Cloud Control resources take
 * no per-resource `region` (the classic provider's do), so each further Region needs one.
 */
export function nativeProviderIn(
  env: Environment,
  account: Account,
  name: string,
  region: string,
): awsNative.Provider {
  return nativeProvider(`${name}-aws-native-${region}`, env, account, name, region);
}

/** An `aws-native` provider pinned to the account, in `region`, assuming its deploy role. */
function nativeProvider(
  resourceName: string,
  env: Environment,
  account: Account,
  name: string,
  region: string,
): awsNative.Provider {
  return new awsNative.Provider(resourceName, {
    region: region as awsNative.Region,
    allowedAccountIds: [account.accountId],
    assumeRole: account.deployRoleArn
      ? { roleArn: account.deployRoleArn, sessionName: sessionName(env, name) }
      : undefined,
  });
}

/** The session name of the deploy role, as CloudTrail shows it: `secrets-hub-<env>-<account>`. */
function sessionName(env: Environment, name: string): string {
  return `${namePrefix(env.environment)}-${name}`;
}
