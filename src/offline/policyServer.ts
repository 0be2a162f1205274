/**
 * Drives the real CrossGuard pack over its gRPC analyzer interface, as the Pulumi CLI does:
 * start the pack process (`run-policy-pack <engine> <dir>`), read the port it prints, call
 * `getAnalyzerInfo`, `configure` (with the configSchema defaults applied and the config
 * validated first, which is the engine's job, not the SDK's), `analyze` and `analyzeStack`.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { LEVELS, Level, PackConfig, PolicyConfig, reconcilePolicyConfig } from "../policyConfig";
import { endsWithThisProcess } from "./children";
import type { RecordedResource } from "./runStack";

export type { Level, PackConfig } from "../policyConfig";

export interface PolicyDescription {
  name: string;
  description: string;
  enforcementLevel: Level;
  configSchema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

export interface Violation {
  /** The pack that reports it, as its server names itself (`secrets-hub-guard`). */
  pack: string;
  policy: string;
  level: Level;
  urn: string;
  message: string;
}

export const PACK_DIR = path.join(__dirname, "..", "..", "policy-pack");

export class PolicyServer {
  private constructor(
    private readonly process: ChildProcess,
    private readonly client: analyzerGrpc.AnalyzerClient,
    /** The pack's name, from getAnalyzerInfo. */
    public readonly name: string,
    public readonly policies: PolicyDescription[],
  ) {}

  /**
   * Starts the pack for a caller that must end it on every path: `server` is the start,
   * `end()` stops the server, or aborts its start when it is not up yet (so a failure does
   * not wait for the pack to finish starting).
   */
  static owned(packDir = PACK_DIR): { server: Promise<PolicyServer>; end(): Promise<void> } {
    const starting = new AbortController();
    const server = PolicyServer.start(packDir, { signal: starting.signal });
    let ready = false;
    server.then(
      () => (ready = true),
      () => undefined,
    );
    return {
      server,
      async end() {
        if (!ready) starting.abort();
        await server.then(
          (s) => s.stop(),
          () => undefined,
        );
      },
    };
  }

  /**
   * Starts the pack as the CLI would (Node.js runtime, TypeScript through ts-node). Its
   * process ends with this one (`children.ts`); `signal` ends it while it starts (a plan
   * whose stacks fail before the pack is up).
   */
  static async start(
    packDir = PACK_DIR,
    options: { signal?: AbortSignal } = {},
  ): Promise<PolicyServer> {
    // The pack's own SDK (and through it its own TypeScript), as the CLI's policy analyzer
    // plugin resolves it from the pack's folder: a pack inside this repository finds the
    // repository's node_modules, a pack installed on its own its node_modules.
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    const child = endsWithThisProcess(
      spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
        cwd: packDir,
        stdio: ["ignore", "pipe", "pipe"],
        signal: options.signal,
      }),
    );
    // With `signal`, an abort kills the child and emits "error" (AbortError); "exit" follows.
    child.on("error", () => undefined);
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      let err = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      child.on("exit", (code, signal) =>
        reject(
          new Error(
            options.signal?.aborted
              ? "policy pack stopped before serving"
              : `policy pack exited (${code ?? signal}) before serving:\n${err}${out}`,
          ),
        ),
      );
    });
    try {
      return await PolicyServer.connect(child, port);
    } catch (error) {
      // A server that does not answer its first call is of no use: it ends here.
      child.kill();
      throw error;
    }
  }

  private static async connect(child: ChildProcess, port: number): Promise<PolicyServer> {
    const client = new analyzerGrpc.AnalyzerClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    const info = await call<analyzerProto.AnalyzerInfo>((cb) =>
      client.getAnalyzerInfo(new Empty(), cb),
    ).catch((error: unknown) => {
      client.close();
      throw error;
    });
    const policies = info.getPoliciesList().map((p) => {
      const schema = p.getConfigschema();
      return {
        name: p.getName(),
        description: p.getDescription(),
        enforcementLevel: LEVELS[p.getEnforcementlevel()],
        configSchema: schema
          ? {
              properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<
                string,
                Record<string, unknown>
              >,
              required: schema.getRequiredList(),
            }
          : undefined,
      };
    });
    return new PolicyServer(child, client, info.getName(), policies);
  }

  /**
   * Applies `config` over the schema defaults, validates it as the engine does (throws a
   * PolicyConfigError listing every problem), and sends it. Returns the effective config.
   */
  async configure(config: PackConfig = {}, source?: string): Promise<Record<string, PolicyConfig>> {
    const effective = reconcilePolicyConfig(this.policies, config, source);
    const request = new analyzerProto.ConfigureAnalyzerRequest();
    for (const [name, { enforcementLevel, properties }] of Object.entries(effective)) {
      const pc = new analyzerProto.PolicyConfig();
      pc.setEnforcementlevel(LEVELS.indexOf(enforcementLevel) as analyzerProto.EnforcementLevel);
      pc.setProperties(Struct.fromJavaScript(properties as Record<string, never>));
      request.getPolicyconfigMap().set(name, pc);
    }
    await call((cb) => this.client.configure(request, cb));
    return effective;
  }

  /** Per-resource policies on one resource. */
  async analyze(resource: RecordedResource): Promise<Violation[]> {
    const request = new analyzerProto.AnalyzeRequest();
    request.setType(resource.type);
    request.setUrn(resource.urn);
    request.setName(resource.name);
    request.setProperties(Struct.fromJavaScript(resource.inputs as Record<string, never>));
    request.setOptions(options(resource));
    const response = await call<analyzerProto.AnalyzeResponse>((cb) =>
      this.client.analyze(request, cb),
    );
    return diagnostics(response, resource.urn, this.name);
  }

  /** Stack policies on every resource of a stack. */
  async analyzeStack(resources: RecordedResource[]): Promise<Violation[]> {
    const request = new analyzerProto.AnalyzeStackRequest();
    request.setResourcesList(
      resources.map((r) => {
        const resource = new analyzerProto.AnalyzerResource();
        resource.setType(r.type);
        resource.setUrn(r.urn);
        resource.setName(r.name);
        resource.setParent(r.parent);
        resource.setProperties(Struct.fromJavaScript(r.inputs as Record<string, never>));
        resource.setOptions(options(r));
        resource.setDependenciesList(r.dependencies);
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
          const deps = new analyzerProto.AnalyzerPropertyDependencies();
          deps.setUrnsList(urns);
          resource.getPropertydependenciesMap().set(key, deps);
        }
        return resource;
      }),
    );
    const response = await call<analyzerProto.AnalyzeResponse>((cb) =>
      this.client.analyzeStack(request, cb),
    );
    return diagnostics(response, "", this.name);
  }

  /**
   * Every policy on every resource of a stack (what a preview runs). With `resourceTypes`
   * (the types the pack's resource policies check), a resource of another type gets no
   * per-resource call, which could find nothing; the stack policies still see them all.
   */
  async analyzeAll(
    resources: RecordedResource[],
    options: { resourceTypes?: ReadonlySet<string> } = {},
  ): Promise<Violation[]> {
    const checked = options.resourceTypes;
    const perResource = await Promise.all(
      resources
        .filter((r) => r.custom && (!checked || checked.has(r.type)))
        .map((r) => this.analyze(r)),
    );
    return [...perResource.flat(), ...(await this.analyzeStack(resources))];
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise((resolve) => this.process.once("exit", resolve));
      this.process.kill();
      await exited;
    }
  }
}

function options(r: RecordedResource): analyzerProto.AnalyzerResourceOptions {
  const opts = new analyzerProto.AnalyzerResourceOptions();
  opts.setProtect(r.protect);
  opts.setIgnorechangesList(r.ignoreChanges);
  opts.setAdditionalsecretoutputsList(r.additionalSecretOutputs);
  opts.setParent(r.parent);
  return opts;
}

function diagnostics(
  response: analyzerProto.AnalyzeResponse,
  urn: string,
  pack: string,
): Violation[] {
  return response.getDiagnosticsList().map((d) => ({
    pack,
    policy: d.getPolicyname(),
    level: LEVELS[d.getEnforcementlevel()],
    urn: d.getUrn() || urn,
    message: (d.getMessage() || d.getDescription()).replace(/\s*\n\s*/g, " — "),
  }));
}

function call<T = unknown>(
  fn: (cb: (err: grpc.ServiceError | null, value?: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((err, value) => (err ? reject(err) : resolve(value as T))),
  );
}
