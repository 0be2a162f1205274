/**
 * Environment-wide rules for adopting what an organization already has (existing VPCs and
 * databases) and for multi-user rotation. They read the raw, possibly invalid input
 * tolerantly, like the rules in `rules.ts`, and report with key path, input and advice.
 */
import { cidrRange, cidrsOverlap, isIpv4Cidr } from "../../policy-pack/lib/cidr";
import { windowProblem } from "../../policy-pack/lib/schedule";
import type { Path } from "./keyPath";
import { keyPath } from "./keyPath";
import { asArray, asRecord } from "./tolerant";
import type { Report } from "./rules";

/** A rule over the raw environment (fields that failed their own checks may be anything). */
export interface RawRule {
  readonly name: string;
  check(env: Record<string, unknown>, report: Report): void;
}

/** Central and each workload with its key path. */
function accounts(env: Record<string, unknown>): { path: Path; value: Record<string, unknown> }[] {
  return [
    { path: ["central"], value: asRecord(env.central) },
    ...asArray(env.workloads).map((w, i) => ({
      path: ["workloads", i] as Path,
      value: asRecord(w),
    })),
  ];
}

/**
 * An existing VPC's subnets: one per availability zone, in order, inside the VPC's CIDR
 * (AWS places a subnet only inside its VPC's blocks), and disjoint.
 */
export const existingVpcSubnets: RawRule = {
  name: "existing-vpc-subnets",
  check(env, report) {
    for (const { path, value } of accounts(env)) {
      if (value.existingVpc === undefined) continue;
      const subnets = asArray(asRecord(value.existingVpc).subnets).map(asRecord);
      const zones = asArray(value.availabilityZones);
      const at: Path = [...path, "existingVpc", "subnets"];
      if (subnets.length > 0 && zones.length > 0 && subnets.length !== zones.length) {
        report({
          path: at,
          input: subnets.length,
          message: `lists ${subnets.length} subnets for ${zones.length} availability zones; give one subnet per zone, in the order of ${keyPath([...path, "availabilityZones"])}`,
        });
      }
      const vpc =
        typeof value.vpcCidr === "string" && isIpv4Cidr(value.vpcCidr)
          ? cidrRange(value.vpcCidr)
          : undefined;
      const seen: string[] = [];
      subnets.forEach((subnet, i) => {
        const cidr = typeof subnet.cidr === "string" ? subnet.cidr : undefined;
        const range = cidr === undefined ? undefined : cidrRange(cidr);
        if (cidr === undefined || range === undefined) return;
        if (vpc && (range.start < vpc.start || range.end > vpc.end)) {
          report({
            path: [...at, i, "cidr"],
            input: cidr,
            message: `is outside ${keyPath([...path, "vpcCidr"])} (${String(value.vpcCidr)}); a subnet lies inside its VPC's CIDR`,
          });
        }
        const clash = seen.find((other) => cidrsOverlap(other, cidr));
        if (clash) {
          report({
            path: [...at, i, "cidr"],
            input: cidr,
            message: `overlaps another subnet of the VPC (${clash}); subnets of one VPC are disjoint`,
          });
        }
        seen.push(cidr);
      });
    }
  },
};

/**
 * An existing database lives in a VPC that exists: the workload must name that VPC
 * (`existingVpc`), or central would peer with a new, empty VPC and the rotation function
 * could never reach the database.
 */
export const existingDatabaseInExistingVpc: RawRule = {
  name: "existing-database-in-existing-vpc",
  check(env, report) {
    asArray(env.workloads).forEach((w, i) => {
      const workload = asRecord(w);
      if (asRecord(workload.database).existing === undefined) return;
      if (workload.existingVpc !== undefined) return;
      report({
        path: ["workloads", i, "existingVpc"],
        input: undefined,
        message: `is required with database.existing: name the VPC the database runs in (vpcId, privateRouteTableIds, subnets), so that central peers with it and rotation can reach the database`,
      });
    });
  },
};

/** What the multi-user rotation functions append to the application user's name. */
const CLONE_SUFFIX = "_clone";

/** Multi-user rotation needs an application user besides the admin; single-user has none. */
export const rotationUsers: RawRule = {
  name: "rotation-users",
  check(env, report) {
    asArray(env.workloads).forEach((w, i) => {
      const db = asRecord(asRecord(w).database);
      const path: Path = ["workloads", i, "database"];
      const multi = db.rotationStrategy === "multi-user";
      if (multi && typeof db.applicationUsername !== "string") {
        report({
          path: [...path, "applicationUsername"],
          input: undefined,
          message: `is required with rotationStrategy multi-user: the user the application logs in as (rotation alternates it with a clone), other than the admin user ${keyPath([...path, "username"])}`,
        });
      }
      if (multi && db.applicationUsername !== undefined && db.applicationUsername === db.username) {
        report({
          path: [...path, "applicationUsername"],
          input: db.applicationUsername,
          message: `must differ from ${keyPath([...path, "username"])}: the admin user's credentials live in the master secret, the application's in its own`,
        });
      }
      if (!multi && (db.applicationUsername !== undefined || db.applicationUserCreated === true)) {
        report({
          path: [
            ...path,
            db.applicationUsername !== undefined ? "applicationUsername" : "applicationUserCreated",
          ],
          input: db.applicationUsername ?? db.applicationUserCreated,
          message: `applies to rotationStrategy multi-user only (single-user rotates ${keyPath([...path, "username"])} itself)`,
        });
      }
      // The multi-user function alternates the user with `<user>_clone`: the clone's name
      // must fit the engine's limit too (MySQL 16 characters, the function's own
      // USERNAME_CHARACTER_LIMIT default; PostgreSQL 63), so the name is 6 shorter.
      const limit = db.engine === "mysql" ? 16 - CLONE_SUFFIX.length : 63 - CLONE_SUFFIX.length;
      if (
        multi &&
        typeof db.applicationUsername === "string" &&
        db.applicationUsername.length > limit
      ) {
        report({
          path: [...path, "applicationUsername"],
          input: db.applicationUsername,
          message: `is ${db.applicationUsername.length} characters; allowed: at most ${limit}, since multi-user rotation alternates it with ${db.applicationUsername}${CLONE_SUFFIX} (${db.engine === "mysql" ? "MySQL user names hold 16" : "PostgreSQL role names hold 63"})`,
        });
      }
      if (multi && db.existing !== undefined) {
        report({
          path: [...path, "rotationStrategy"],
          input: "multi-user",
          message: `is offered for databases this program creates (it holds the admin password for the master secret); for an existing database use single-user, or import the database`,
        });
      }
    });
  },
};

/**
 * A workload's own rotation schedule or window (`secret.schedule`, `secret.duration`) fits
 * as the environment's must (see `rotation-window-fits`): the window neither reaches the
 * next rotation nor, for daily schedules, runs past the end of the UTC day.
 */
export const secretWindowFits: RawRule = {
  name: "secret-window-fits",
  check(env, report) {
    const rotation = asRecord(env.rotation);
    asArray(env.workloads).forEach((w, i) => {
      const secret = asRecord(asRecord(w).secret);
      if (secret.schedule === undefined && secret.duration === undefined) return;
      const schedule = secret.schedule ?? rotation.schedule ?? "rate(30 days)";
      const duration = secret.duration ?? rotation.duration;
      const hours = typeof duration === "string" ? /^(\d+)h$/.exec(duration)?.[1] : undefined;
      if (hours === undefined || (typeof schedule !== "string" && typeof schedule !== "number"))
        return;
      const problem = windowProblem(schedule, Number(hours));
      if (problem !== undefined) {
        report({
          path: ["workloads", i, "secret", secret.duration !== undefined ? "duration" : "schedule"],
          input: secret.duration ?? secret.schedule,
          message: problem,
        });
      }
    });
  },
};

export const ADOPTION_RULES: readonly RawRule[] = [
  secretWindowFits,
  existingVpcSubnets,
  existingDatabaseInExistingVpc,
  rotationUsers,
];
