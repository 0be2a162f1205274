/** Assertions over policy findings and a builder of plain resources, for the policy tests. */
import * as assert from "node:assert/strict";
import type { Finding, PlainResource } from "../../policy-pack/policies/model";

/** No finding. */
export const ok = (f: Finding[]) => assert.deepEqual(f, []);

/** A decided finding whose message matches. */
export const violates = (f: Finding[], pattern: RegExp) =>
  assert.ok(
    f.some((x) => !x.unknown && pattern.test(x.message)),
    JSON.stringify(f),
  );

/** Only undecidable findings (a value unknown in a preview). */
export const unknown = (f: Finding[]) =>
  assert.ok(f.length > 0 && f.every((x) => x.unknown), JSON.stringify(f));

/** A resource as the stack policies see it. */
export const res = (
  type: string,
  name: string,
  props: Record<string, unknown>,
  deps: Record<string, string[]> = {},
): PlainResource => ({ type, name, urn: `urn:${name}`, props, propertyDependencies: deps });
