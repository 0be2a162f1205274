/**
 * Runs one stack program in this process under Pulumi's mocks, as the engine would run
 * it, and records every registration with its options. The tests and the offline plan
 * share this, so that what the plan shows is what the tests assert on.
 *
 * Measured behaviour it relies on: the mock monitor can be wrapped after
 * `setMocks` to see each full RegisterResourceRequest; mocks do not reject duplicate URNs,
 * so this does; programs are functions, so several stacks run one after another.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  specialSecretSig as SECRET_SIG,
  specialSigKey as SIG_KEY,
} from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";
import type * as gstruct from "google-protobuf/google/protobuf/struct_pb";
import { MockWorld, Placement, StackOutputs, mockInvoke, mockResource } from "./mockCloud";

export type { StackOutputs } from "./mockCloud";

/** How secrets appear in recorded inputs and printed outputs. */
export const MASK = "[secret]";

/** One registration, as the engine would see it. */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** Inputs in wire form: secrets appear as {@link MASK}, unknowns as the engine's unknown marker (see policy-pack/policies/model.ts). */
  inputs: Record<string, unknown>;
  /** Paths (top-level keys) of inputs that were secret. */
  secretInputs: string[];
  protect: boolean;
  parent: string;
  /** Provider reference `urn::id`, empty for components and providers. */
  provider: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  ignoreChanges: string[];
  additionalSecretOutputs: string[];
  retainOnDelete: boolean;
  /** The URNs the resource was known by before (`aliases`), as full URNs. */
  aliases: string[];
}

/** The result of running one stack. */
export interface StackRun {
  stack: string;
  resources: RecordedResource[];
  /** Stack outputs, plain (secrets unwrapped); see `secretOutputNames`. */
  outputs: Record<string, unknown>;
  secretOutputNames: string[];
  /** Warnings the program logged (e.g. a peer stack without outputs yet). */
  warnings: string[];
  /** The stacks the program read through stack references, in the order it read them. */
  references: string[];
}

/** A program that failed, with what it had registered before it failed. */
export class StackRunError extends Error {
  constructor(
    public readonly stack: string,
    public readonly cause: unknown,
    public readonly resources: RecordedResource[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "StackRunError";
  }
}

export interface RunStackOptions {
  project: string;
  stack: string;
  /** The program, as index.ts runs it. */
  program: () => Promise<Record<string, unknown>>;
  /** Outputs of the other stacks, by stack name; a stack absent here has none yet. */
  peers: ReadonlyMap<string, StackOutputs>;
  /** Run as a first preview: nothing the cloud computes is known. */
  preview?: boolean;
  /** What exists before the program (adopted VPCs and endpoints) the reads answer from. */
  world?: MockWorld;
}

/**
 * The SDK wraps every promise it tracks in `debuggablePromise`
 * (`@pulumi/pulumi/runtime/debuggable.js`, 3.248.0): it reads `new Error().stack` at once
 * (under tsx each frame is mapped through source maps), defines three properties on the
 * promise and chains two more onto it, to list "leaked" promises when the process exits.
 * Under the mocks that was a third of a program run's CPU and much of its garbage, for a
 * report the plan never prints; and every `new Resource` parses a full stack trace
 * (`Resource.stackTrace`, `callsites`) for a source position the mocks ignore. So while a
 * program runs here: no stack frames, no source maps, the wrapper is the identity and a
 * resource records no position; all put back as they were afterwards. What the
 * program throws keeps its message, which is what the plan and the tests print and assert.
 * Kept as the SDK has them when `PULUMI_DEBUG_PROMISE_LEAKS` is set or `keepTraces()` was
 * called (`plan --debug`). The SDK calls the wrapper through its module's exports at each
 * use, so replacing the export is enough (tests/offline/runStack.test.ts holds it to that).
 */
let tracesKept = Boolean(process.env.PULUMI_DEBUG_PROMISE_LEAKS);
let running = 0;
let saved: { limit: number; sourceMaps: boolean } | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  debuggablePromise: <T>(p: Promise<T>, ctx: unknown) => Promise<T>;
};
const debuggablePromise = debuggable.debuggablePromise;
/** `new Resource` records where the program made it (`Resource.stackTrace`, a full trace each). */
const resourceClass = pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] };
const resourceStackTrace = resourceClass.stackTrace;

/** Keeps stack traces (and their source maps) while programs run: for diagnosing a program. */
export function keepTraces(): void {
  tracesKept = true;
}

function tracesOff(): void {
  if (tracesKept || running++ > 0) return;
  saved = { limit: Error.stackTraceLimit, sourceMaps: process.sourceMapsEnabled };
  Error.stackTraceLimit = 0;
  process.setSourceMapsEnabled(false);
  debuggable.debuggablePromise = (p) => p;
  resourceClass.stackTrace = () => [];
}

function tracesBack(): void {
  if (tracesKept || --running > 0 || !saved) return;
  Error.stackTraceLimit = saved.limit;
  process.setSourceMapsEnabled(saved.sourceMaps);
  debuggable.debuggablePromise = debuggablePromise;
  resourceClass.stackTrace = resourceStackTrace;
  saved = undefined;
}

/**
 * The SDK writes every monitor response into a debug line as it arrives (`resp:
 * ${innerResponse}` in `runtime/resource.js` and `runtime/invoke.js`, 3.248.0), and drops
 * the line unless an engine is attached: protobuf's `toString` turns the whole message
 * into text first, for a stack reference every output of the peer (at 1,000 workloads
 * central's 280 KB, each time a workload reads it). Under the mocks the line is never
 * printed, so a response names its type instead; with `keepTraces()` it is left whole.
 */
function brief<R extends object>(resp: R | undefined): R | undefined {
  if (resp && !tracesKept)
    Object.defineProperty(resp, "toString", { value: () => "[monitor response]" });
  return resp;
}

/** Runs a stack program under mocks and returns what it registered and exported. */
export async function runStack(options: RunStackOptions): Promise<StackRun> {
  tracesOff();
  try {
    return await runProgram(options);
  } finally {
    tracesBack();
  }
}

async function runProgram(options: RunStackOptions): Promise<StackRun> {
  const { stack, peers } = options;
  const preview = options.preview ?? false;
  const placements = new Map<string, Placement>();
  const resources: RecordedResource[] = [];
  const byUrn = new Map<string, RecordedResource>();
  const warnings: string[] = [];
  const references: string[] = [];
  let stackOutputs: gstruct.Struct | undefined;

  const mocks: pulumi.runtime.Mocks = {
    call: (args) => {
      const providerName = args.provider ? (args.provider.split("::")[3] ?? "") : "";
      const place = placements.get(providerName) ?? {
        accountId: "000000000000",
        region: "us-east-1",
      };
      return mockInvoke(args, place, options.world);
    },
    newResource: (args) => {
      if (args.type === "pulumi:pulumi:StackReference") {
        const referenced = String(args.inputs.name).split("/").pop() ?? "";
        references.push(referenced);
        const peer = peers.get(referenced);
        return {
          id: String(args.inputs.name),
          state: {
            name: args.inputs.name,
            outputs: peer?.outputs ?? {},
            secretOutputNames: peer?.secretOutputNames ?? [],
          },
        };
      }
      if (args.type.startsWith("pulumi:providers:")) {
        const accountIds = parseMaybeJson(args.inputs.allowedAccountIds);
        placements.set(args.name, {
          accountId: Array.isArray(accountIds) ? String(accountIds[0]) : "000000000000",
          region: String(args.inputs.region ?? ""),
        });
      }
      const providerName = args.provider ? (args.provider.split("::")[3] ?? "") : "";
      const place = placements.get(providerName) ?? {
        accountId: "000000000000",
        region: "us-east-1",
      };
      return mockResource(args, place, stack, preview);
    },
  };

  await pulumi.runtime.setMocks(mocks, options.project, stack, preview, "organization");
  const monitor = settings.getMonitor() as unknown as {
    readResource: (req: unknown, cb: (err: unknown, resp?: object) => void) => void;
    invoke: (req: unknown, cb: (err: unknown, resp?: object) => void) => void;
    registerResource: (
      req: RegisterRequest,
      cb: (err: unknown, resp?: { getUrn(): string }) => void,
    ) => void;
    registerResourceOutputs: (
      req: OutputsRequest,
      cb: (err: unknown, resp?: unknown) => void,
    ) => void;
  };
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req, cb) => read(req, (err, resp) => cb(err, brief(resp)));
  const invoke = monitor.invoke.bind(monitor);
  monitor.invoke = (req, cb) => invoke(req, (err, resp) => cb(err, brief(resp)));
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    register(req, (err, resp) => {
      brief(resp);
      if (err || !resp) return cb(err, resp);
      const urn = resp.getUrn();
      if (byUrn.has(urn))
        return cb(new Error(`duplicate URN ${urn}: two resources share type and name`));
      const record = recordRequest(req, urn);
      byUrn.set(urn, record);
      resources.push(record);
      cb(err, resp);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    if (req.getUrn().includes("::pulumi:pulumi:Stack::")) stackOutputs = req.getOutputs();
    registerOutputs(req, cb);
  };

  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(" ");
    warnings.push(text.replace(/^warning: \[runtime\] /, ""));
  };
  try {
    await pulumi.runtime.runInPulumiStack(options.program);
    // Internal in the SDK's typings, but it is what the language host awaits before exiting.
    await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  } catch (error) {
    throw new StackRunError(stack, error, resources);
  } finally {
    console.warn = warn;
  }

  const wire = (stackOutputs?.toJavaScript() ?? {}) as Record<string, unknown>;
  const secretOutputNames = Object.keys(wire).filter((k) => containsSecret(wire[k]));
  const outputs = Object.fromEntries(Object.entries(wire).map(([k, v]) => [k, unwrapSecrets(v)]));
  return { stack, resources, outputs, secretOutputNames, warnings, references };
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getObject(): gstruct.Struct | undefined;
  getProtect(): boolean | undefined;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getRetainondelete(): boolean | undefined;
  /** Alias URNs, when the monitor takes no structured aliases. */
  getAliasurnsList(): string[];
  /** Structured aliases: a URN alias has `getUrn()`, a spec alias an empty one. */
  getAliasesList(): { getUrn(): string }[];
}

interface OutputsRequest {
  getUrn(): string;
  getOutputs(): gstruct.Struct | undefined;
}

function recordRequest(req: RegisterRequest, urn: string): RecordedResource {
  const raw = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((value, key) => {
    propertyDependencies[key] = value.getUrnsList();
  });
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    inputs: maskSecrets(raw) as Record<string, unknown>,
    secretInputs: Object.keys(raw).filter((k) => containsSecret(raw[k])),
    protect: req.getProtect() ?? false,
    parent: req.getParent(),
    provider: req.getProvider(),
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    ignoreChanges: req.getIgnorechangesList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    retainOnDelete: req.getRetainondelete() ?? false,
    aliases: [
      ...req.getAliasurnsList(),
      ...req
        .getAliasesList()
        .map((a) => a.getUrn())
        .filter((u) => u !== ""),
    ],
  };
}

function isSecretValue(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG
  );
}

function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
  return false;
}

function mapWire(value: unknown, onSecret: (secret: { value: unknown }) => unknown): unknown {
  if (isSecretValue(value)) return onSecret(value);
  if (Array.isArray(value)) return value.map((v) => mapWire(v, onSecret));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapWire(v, onSecret)]));
  }
  return value;
}

/** Secrets replaced by {@link MASK}: what may be printed or written. */
export function maskSecrets(value: unknown): unknown {
  return mapWire(value, () => MASK);
}

function unwrapSecrets(value: unknown): unknown {
  return mapWire(value, (s) => unwrapSecrets(s.value));
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
