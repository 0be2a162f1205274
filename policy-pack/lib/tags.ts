/**
 * Tags the program sets and the pack reads. SDK-free, so that the program imports it.
 *
 * The tag a secret carries while its rotation waits for an operator (an existing database's
 * first value, a multi-user application user): the program sets it (components/
 * databaseSecret.ts), the `secret-rotation-awaits` policy reports it.
 */
export const ROTATION_AWAITS_TAG = "secrets-hub:rotation-awaits";

/**
 * The tag of a secret that does not rotate by design (a non-database secret with
 * `rotation: none`): the `secret-has-rotation` policy lets it pass, and the advisory
 * `secret-not-rotated` reports it with the age its value may reach.
 */
export const ROTATION_NONE_TAG = "secrets-hub:rotation";
export const ROTATION_NONE = "none";

/** The default of `secret-not-rotated`'s `maxAgeDays`, which `npm run verify` checks too. */
export const NOT_ROTATED_MAX_AGE_DAYS = 90;
