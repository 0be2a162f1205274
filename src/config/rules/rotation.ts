/**
 * Rotation rules: windows that fit their schedules (the environment's and each secret's),
 * and the users multi-user rotation needs.
 */
import { CLONE_SUFFIX, ENGINE_SPECS, applicationUsernameMax } from "../../../kernel/engines";
import { windowProblem } from "../../../policy-pack/lib/schedule";
import { SECRET_NAME_MAX, masterSecretName } from "../../names";
import { Path, keyPath } from "../keyPath";
import { secretNamesOf } from "./names";
import type { Rule } from "./rule";

/** The rotation window (`rotation.duration`) fits the schedule, as Secrets Manager requires. */
export const rotationWindowFits: Rule = {
  name: "rotation-window-fits",
  check(env, report) {
    const hours = env.rotation.durationHours;
    if (hours === undefined) return;
    const problem = windowProblem(env.rotation.schedule, hours);
    if (problem !== undefined) {
      report({ path: ["rotation", "duration"], input: `${hours}h`, message: problem });
    }
  },
};

/**
 * A workload's own rotation schedule or window (`secret.schedule`, `secret.duration`) fits
 * as the environment's must (see `rotation-window-fits`): the window neither reaches the
 * next rotation nor, for daily schedules, runs past the end of the UTC day.
 */
export const secretWindowFits: Rule = {
  name: "secret-window-fits",
  check(env, report) {
    const settings = env.workloads.flatMap((w) => [
      w.secret,
      ...w.databases.filter((d) => d.path[d.path.length - 2] === "databases").map((d) => d.secret),
    ]);
    // Each where it is written: a database's settings that add nothing are not judged again.
    for (const { schedule, durationHours, given, path } of settings) {
      if (given.schedule === undefined && given.duration === undefined) continue;
      if (durationHours === undefined || schedule === undefined) continue;
      const problem = windowProblem(schedule, durationHours);
      if (problem === undefined) continue;
      report({
        path: [...path, given.duration !== undefined ? "duration" : "schedule"],
        input: given.duration ?? given.schedule,
        message: problem,
      });
    }
  },
};

/** Multi-user rotation needs an application user besides the admin; single-user has none. */
export const rotationUsers: Rule = {
  name: "rotation-users",
  check(env, report) {
    for (const db of env.workloads.flatMap((w) => w.databases)) {
      const path: Path = db.path;
      const multi = db.rotationStrategy === "multi-user";
      if (multi && db.applicationUsername === undefined) {
        report({
          path: [...path, "applicationUsername"],
          input: undefined,
          message: `is required with rotationStrategy multi-user: the user the application logs in as (rotation alternates it with a clone), other than the admin user ${keyPath([...path, "username"])}`,
        });
      }
      if (
        multi &&
        db.given.applicationUsername !== undefined &&
        db.given.applicationUsername === db.given.username
      ) {
        report({
          path: [...path, "applicationUsername"],
          input: db.given.applicationUsername,
          message: `must differ from ${keyPath([...path, "username"])}: the admin user's credentials live in the master secret, the application's in its own`,
        });
      }
      if (
        !multi &&
        (db.given.applicationUsername !== undefined || db.given.applicationUserCreated === true)
      ) {
        report({
          path: [
            ...path,
            db.given.applicationUsername !== undefined
              ? "applicationUsername"
              : "applicationUserCreated",
          ],
          input: db.given.applicationUsername ?? db.given.applicationUserCreated,
          message: `applies to rotationStrategy multi-user only (single-user rotates ${keyPath([...path, "username"])} itself)`,
        });
      }
      // An engine missing or unknown (its own check says so) is judged by PostgreSQL's
      // record, the more lenient, so that it adds no second error.
      const spec = ENGINE_SPECS[db.engine ?? "postgres"];
      const limit = applicationUsernameMax(spec);
      if (multi && db.applicationUsername !== undefined && db.applicationUsername.length > limit) {
        report({
          path: [...path, "applicationUsername"],
          input: db.applicationUsername,
          message: `is ${db.applicationUsername.length} characters; allowed: at most ${limit}, since multi-user rotation alternates it with ${db.applicationUsername}${CLONE_SUFFIX} (${spec.applicationUser.names} hold ${spec.applicationUser.max})`,
        });
      }
      if (multi && db.existing) {
        report({
          path: [...path, "rotationStrategy"],
          input: "multi-user",
          message: `is offered for databases this program creates (it holds the admin password for the master secret); for an existing database use single-user, or import the database`,
        });
      }
    }
  },
};

/**
 * The names multi-user rotation derives: the application user's clone (`<user>_clone`, which
 * AWS's function creates beside it) must not be the admin user, the application user must
 * not be one RDS reserves, and the master secret (`<secretName>/master`, holding the admin
 * credentials) must fit Secrets Manager's 512 characters and not be another secret's name.
 */
export const multiUserNames: Rule = {
  name: "multi-user-names",
  check(env, report) {
    const secretNames = new Map(
      secretNamesOf(env).flatMap(({ path, value }) => (value === undefined ? [] : [[value, path]])),
    );
    for (const db of env.workloads.flatMap((w) => w.databases)) {
      if (db.rotationStrategy !== "multi-user") continue;
      const path: Path = db.path;
      const user = db.applicationUsername;
      if (user !== undefined) {
        const clone = `${user}${CLONE_SUFFIX}`;
        if (db.username !== undefined && clone === db.username) {
          report({
            path: [...path, "applicationUsername"],
            input: user,
            message: `makes the clone ${clone}, which is the admin user ${keyPath([...path, "username"])}: rotation would take over the admin login; choose another application user name`,
          });
        }
        const reserved = ENGINE_SPECS[db.engine ?? "postgres"].masterUser.existing.reserved;
        if (reserved.includes(user.toLowerCase()) || reserved.includes(clone.toLowerCase())) {
          report({
            path: [...path, "applicationUsername"],
            input: user,
            message: `is reserved by RDS for ${db.engine}; allowed: any other name (reserved: ${reserved.join(", ")})`,
          });
        }
      }
      if (db.secretName === undefined) continue;
      const master = masterSecretName(db.secretName);
      if (master.length > SECRET_NAME_MAX) {
        report({
          path: [...path, "secretName"],
          input: db.secretName,
          message: `makes the master secret ${master.slice(0, 40)}… ${master.length} characters; Secrets Manager allows at most ${SECRET_NAME_MAX}: shorten it by ${master.length - SECRET_NAME_MAX}`,
        });
      }
      const taken = secretNames.get(master);
      if (taken !== undefined) {
        report({
          path: [...path, "secretName"],
          input: db.secretName,
          message: `makes the master secret ${master}, which is ${keyPath(taken)}: rename one of them`,
        });
      }
    }
  },
};
