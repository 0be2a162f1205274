/**
 * IAM policy documents as plain typed objects, and AWS's size rule for them. A customer
 * managed policy may hold at most 6,144 characters, white space not counted (IAM User
 * Guide, "IAM and AWS STS quotas": "Managed policy size ... 6,144 characters"; "IAM doesn't
 * count white space when calculating the size of a policy"), so the statements of an
 * account are packed into as few documents as fit.
 */

/** `{ operator: { key: value(s) } }`, as IAM writes a condition block. */
export type Condition = Record<string, Record<string, string | string[]>>;

export interface Statement {
  /** Alphanumeric only (IAM's rule for Sid in identity policies). */
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: Condition;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

/** AWS's limit on a customer managed policy, white space not counted. */
export const MANAGED_POLICY_MAX = 6144;

/** The size IAM measures: the JSON without white space outside strings. */
export function policySize(document: PolicyDocument): number {
  // JSON.stringify without indentation has no white space outside strings.
  return JSON.stringify(document).length;
}

/** A statement too large for a document of its own is split by resources, then by actions. */
function fitting(statement: Statement): Statement[] {
  if (policySize(documentOf([statement])) <= MANAGED_POLICY_MAX) return [statement];
  const halve = <T>(items: T[]): [T[], T[]] => [
    items.slice(0, Math.ceil(items.length / 2)),
    items.slice(Math.ceil(items.length / 2)),
  ];
  const part = (suffix: string, change: Partial<Statement>): Statement => ({
    ...statement,
    ...change,
    Sid: `${statement.Sid}${suffix}`,
  });
  if (statement.Resource.length > 1) {
    const [a, b] = halve(statement.Resource);
    return [...fitting(part("A", { Resource: a })), ...fitting(part("B", { Resource: b }))];
  }
  if (statement.Action.length > 1) {
    const [a, b] = halve(statement.Action);
    return [...fitting(part("A", { Action: a })), ...fitting(part("B", { Action: b }))];
  }
  throw new Error(`statement ${statement.Sid} alone exceeds ${MANAGED_POLICY_MAX} characters`);
}

function documentOf(statements: Statement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * Packs statements, in order, into documents of at most {@link MANAGED_POLICY_MAX}
 * characters each (first fit: each statement goes into the first document it fits in).
 */
export function packDocuments(statements: readonly Statement[]): PolicyDocument[] {
  const documents: PolicyDocument[] = [];
  for (const statement of statements.flatMap(fitting)) {
    const home = documents.find(
      (d) => policySize(documentOf([...d.Statement, statement])) <= MANAGED_POLICY_MAX,
    );
    if (home) home.Statement.push(statement);
    else documents.push(documentOf([statement]));
  }
  return documents;
}
