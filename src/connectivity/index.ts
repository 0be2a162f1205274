/**
 * The one place that picks a connectivity mode: an exhaustive `switch` over the names of
 * `secrets-hub:connectivity` (src/config/transitGateway.ts `CONNECTIVITY_MODES`), so a name
 * added there without its module here fails `tsc` (the `never` below), instead of planning
 * as peering. Everything else asks the mode it gets from here.
 */
import type { Connectivity } from "../config/transitGateway";
import type { Environment } from "../config/schema";
import type { ConnectivityMode } from "./mode";
import { peering } from "./peering";
import { transitGateway } from "./transitGateway";

export type { ConnectivityMode } from "./mode";

/** The mode of a `secrets-hub:connectivity` name. */
export function connectivityMode(name: Connectivity): ConnectivityMode {
  switch (name) {
    case "peering":
      return peering;
    case "transit-gateway":
      return transitGateway;
    default: {
      const unhandled: never = name;
      throw new Error(`connectivity mode ${String(unhandled)} has no module in src/connectivity`);
    }
  }
}

/** The mode of an environment. */
export function modeOf(env: Pick<Environment, "connectivity">): ConnectivityMode {
  return connectivityMode(env.connectivity);
}
