/**
 * Tags the program sets and the pack reads. SDK-free, so that the program imports it.
 *
 * The tag a secret carries while its rotation waits for an operator (an existing database's
 * first value, a multi-user application user): the program sets it (components/
 * databaseSecret.ts), the `secret-rotation-awaits` policy reports it.
 */
export const ROTATION_AWAITS_TAG = "secrets-hub:rotation-awaits";
