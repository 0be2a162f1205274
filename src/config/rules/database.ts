/** Database rules: the user name in the secret fits the engine and is not reserved. */
import { ENGINE_SPECS } from "../../../kernel/engines";
import type { Rule } from "./rule";

/**
 * The user name of the secret: as long as the engine allows and not reserved, for a database
 * RDS creates (its master user) or an existing one (the user rotated); the limits and why
 * are the engines' records (`masterUser`, kernel/engines.ts).
 */
export const databaseUsernameValid: Rule = {
  name: "database-username-valid",
  check(env, report) {
    for (const database of env.workloads.flatMap((w) => w.databases)) {
      const { engine, username, existing } = database;
      if (engine === undefined || username === undefined) continue;
      const rule = ENGINE_SPECS[engine].masterUser[existing ? "existing" : "created"];
      const path = [...database.path, "username"];
      const whose = existing ? `a ${engine} user name` : `an RDS ${engine} master user name`;
      if (username.length > rule.max) {
        report({
          path,
          input: username,
          message: `is ${username.length} characters; ${whose} is at most ${rule.max}`,
        });
      } else if (rule.reserved.includes(username.toLowerCase())) {
        report({
          path,
          input: username,
          message: `is reserved by RDS for ${engine}; allowed: any other name (reserved: ${rule.reserved.join(", ")})`,
        });
      }
    }
  },
};
