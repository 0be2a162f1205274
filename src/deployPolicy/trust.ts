/**
 * The trust policy of a deploy role: who may assume it.
 *
 * - People: IAM Identity Center (SSO) permission-set roles of the account
 *   (`role/aws-reserved/sso.amazonaws.com/...`, IAM Identity Center user guide, "Referencing
 *   permission sets in resource policies"), or the principals given.
 * - The role itself: each stack's providers assume `deployRoleArn` (src/providers.ts), also
 *   when the session already is that role (a CI job signed in as it), and a role assuming
 *   itself must be trusted explicitly (IAM user guide, "Role trust policies": roles are no
 *   longer implicitly trusted by themselves).
 * - GitHub Actions through OIDC: the provider `token.actions.githubusercontent.com`, the
 *   audience `sts.amazonaws.com`, and `sub` = `repo:<owner>/<repo>:environment:<name>` for
 *   each GitHub environment the deploy jobs run in (GitHub docs, "Configuring OpenID
 *   Connect in Amazon Web Services"; the generated workflow, src/pipeline/workflow.ts,
 *   runs every stack job in the environment named after the secrets-hub environment).
 */
import type { Condition } from "./document";
import type { AccountScope } from "./rights";

export interface TrustOptions {
  /** Principals (ARNs) people sign in as; default: the account's SSO permission-set roles. */
  principals: readonly string[];
  /** `owner/name` of the GitHub repository whose workflows deploy; absent: no OIDC statement. */
  githubRepository?: string;
  /** GitHub environments of the deploy jobs. */
  githubEnvironments: readonly string[];
}

export interface TrustStatement {
  Sid: string;
  Effect: "Allow";
  Principal: { AWS: string | string[] } | { Federated: string };
  Action: string | string[];
  Condition?: Condition;
}

export interface TrustPolicy {
  Version: "2012-10-17";
  Statement: TrustStatement[];
}

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export function trustPolicy(scope: AccountScope, options: TrustOptions): TrustPolicy {
  const root = `arn:${scope.partition}:iam::${scope.accountId}:root`;
  const statements: TrustStatement[] = [
    options.principals.length > 0
      ? {
          Sid: "PeopleWhoDeploy",
          Effect: "Allow",
          Principal: { AWS: [...options.principals] },
          Action: "sts:AssumeRole",
        }
      : {
          Sid: "PeopleWhoDeployThroughIdentityCenter",
          Effect: "Allow",
          Principal: { AWS: root },
          Action: "sts:AssumeRole",
          Condition: {
            ArnLike: {
              "aws:PrincipalArn": `arn:${scope.partition}:iam::${scope.accountId}:role/aws-reserved/sso.amazonaws.com/*`,
            },
          },
        },
  ];
  const roleArn = scope.account.deployRoleArn;
  if (roleArn)
    statements.push({
      Sid: "PulumiProvidersAssumeTheRoleAgain",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: "sts:AssumeRole",
      Condition: { ArnEquals: { "aws:PrincipalArn": roleArn } },
    });
  if (options.githubRepository) {
    const subjects = options.githubEnvironments.map(
      (e) => `repo:${options.githubRepository}:environment:${e}`,
    );
    statements.push({
      Sid: "GitHubActionsDeployJobs",
      Effect: "Allow",
      Principal: {
        Federated: `arn:${scope.partition}:iam::${scope.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`,
      },
      Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
      Condition: {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
          [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
        },
      },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}
