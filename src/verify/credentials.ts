/**
 * The sessions `npm run verify` reads with: the same role assumption as the stacks
 * (src/providers.ts: each account's `deployRoleArn`, else the ambient credentials, which
 * must then be that account's), checked first with a short timeout so that a machine
 * without credentials gets one line in seconds rather than the SDK's retries.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { Account, Environment } from "../config/schema";
import { namePrefix } from "../names";

/** No usable credentials, or a role that cannot be assumed: exit 2. */
export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CredentialsError";
  }
}

/** Temporary credentials of an assumed role (the SDK's AwsCredentialIdentity). */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** One account's session: `credentials` undefined means the ambient credentials. */
export interface AccountSession {
  account: string;
  accountId: string;
  region: string;
  credentials?: RoleCredentials;
}

/** How long the first credential check may take, in total. */
export const CREDENTIAL_CHECK_MS = 8000;

/** The client settings of the credential check: one attempt, short timeouts. */
export const QUICK = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 3000, requestTimeout: 3000 },
} as const;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const reason = (error: unknown) =>
  error instanceof Error
    ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
    : String(error);

/** The session name, as the stacks' (src/providers.ts) with `-verify`, so CloudTrail tells them apart. */
export function verifySessionName(env: Environment, account: string): string {
  return `${namePrefix(env.environment)}-${account}-verify`.slice(0, 64);
}

/** Checks the ambient credentials, then assumes each account's deploy role. */
export async function accountSessions(env: Environment): Promise<AccountSession[]> {
  const sts = new STSClient({ region: env.central.region, ...QUICK });
  let caller: string;
  try {
    const identity = await withTimeout(
      sts.send(new GetCallerIdentityCommand({})),
      CREDENTIAL_CHECK_MS,
      "the credential check",
    );
    caller = identity.Account ?? "";
  } catch (error) {
    throw new CredentialsError(
      `no usable AWS credentials (${reason(error)}): sign in (aws sso login, or AWS_PROFILE / AWS_ACCESS_KEY_ID) with a principal that may assume the deploy roles`,
    );
  }
  const accounts: [string, Account][] = [
    ["central", env.central],
    ...env.workloads.map((w): [string, Account] => [w.name, w]),
  ];
  return Promise.all(
    accounts.map(async ([account, spec]): Promise<AccountSession> => {
      const base = { account, accountId: spec.accountId, region: spec.region };
      if (!spec.deployRoleArn) {
        if (caller !== spec.accountId)
          throw new CredentialsError(
            `${account}: no deployRoleArn and the ambient credentials are account ${caller}, not ${spec.accountId}: set deployRoleArn (npm run deploy-policy prints its policies)`,
          );
        return base;
      }
      try {
        const assumed = await new STSClient({ region: spec.region, ...QUICK }).send(
          new AssumeRoleCommand({
            RoleArn: spec.deployRoleArn,
            RoleSessionName: verifySessionName(env, account),
          }),
        );
        const c = assumed.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey)
          throw new Error("AssumeRole returned no credentials");
        return {
          ...base,
          credentials: {
            accessKeyId: c.AccessKeyId,
            secretAccessKey: c.SecretAccessKey,
            sessionToken: c.SessionToken,
            expiration: c.Expiration,
          },
        };
      } catch (error) {
        throw new CredentialsError(
          `${account}: cannot assume ${spec.deployRoleArn} (${reason(error)}): its trust policy must allow your principal (npm run deploy-policy prints it)`,
        );
      }
    }),
  );
}
