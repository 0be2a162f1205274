// The config rules on Regions, zones, the rotation version per partition, and namespaces.
import * as assert from "node:assert/strict";
import { environmentFromFile, environmentView, optInRegionNotes } from "../../src/config";
import { configProblemsOf, editedDevFile, movedTo } from "../harness";

type Edit = (config: Record<string, any>) => void;

const problemsOf = (edit: Edit): string[] => configProblemsOf(edit);

function refuses(edit: Edit, key: string, message: RegExp): void {
  const problems = problemsOf(edit);
  const problem = problems.find((p) => p.startsWith(`${key}: `));
  assert.ok(problem, `no problem for ${key} in:\n${problems.join("\n")}`);
  assert.match(problem, message);
}

describe("config rule regions-exist", () => {
  it("refuses a Region that does not exist, with the nearest one", () => {
    refuses(
      (c) => (c["secrets-hub:central"].region = "eu-west-4"),
      "secrets-hub:central.region",
      /^secrets-hub:central\.region: is not an AWS Region; did you mean eu-west-1\? \(the Regions are listed in docs\/regions\.md\) \(got "eu-west-4"\)$/,
    );
    refuses(
      (c) => (c["secrets-hub:workloads"][1].region = "us-easst-1"),
      "secrets-hub:workloads[1].region",
      /is not an AWS Region; did you mean us-east-1\?/,
    );
    refuses(
      (c) => (c["secrets-hub:replicaRegion"] = "us-west-3"),
      "secrets-hub:replicaRegion",
      /is not an AWS Region; did you mean us-west-[12]\?/,
    );
  });

  it("refuses a Region of a partition the program does not deploy to, saying why", () => {
    refuses(
      (c) => (c["secrets-hub:replicaRegion"] = "us-iso-east-1"),
      "secrets-hub:replicaRegion",
      /^secrets-hub:replicaRegion: is a Region the program does not deploy to \(US ISO partition \(aws-iso\): .*\); it deploys to the partitions aws, aws-cn, aws-us-gov/,
    );
  });

  it("accepts an opt-in Region and names it in a note, with the account that must enable it", () => {
    const file = editedDevFile((c) => (c["secrets-hub:replicaRegion"] = "eu-south-1"));
    const env = environmentFromFile(file);
    assert.deepEqual(optInRegionNotes(environmentView(env)), [
      "secrets-hub:replicaRegion: eu-south-1 is an opt-in Region: account 111111111111 must enable it first (aws account enable-region --region-name eu-south-1)",
    ]);
    assert.deepEqual(
      optInRegionNotes(environmentView(environmentFromFile(editedDevFile(() => undefined)))),
      [],
    );
  });
});

describe("config rule zones-exist", () => {
  it("refuses a zone letter the Region has in no account, naming its zones", () => {
    refuses(
      (c) => {
        c["secrets-hub:central"].region = "eu-west-1";
        c["secrets-hub:central"].availabilityZones = ["eu-west-1a", "eu-west-1d"];
        c["secrets-hub:replicaRegion"] = "eu-west-2";
      },
      "secrets-hub:central.availabilityZones[1]",
      /^secrets-hub:central\.availabilityZones\[1\]: is not a zone of eu-west-1; its zones are eu-west-1a, eu-west-1b, eu-west-1c \(which of them an account has: aws ec2 describe-availability-zones --region eu-west-1\) \(got "eu-west-1d"\)$/,
    );
    refuses(
      (c) => (c["secrets-hub:workloads"][0].availabilityZones = ["us-east-1a", "us-east-1g"]),
      "secrets-hub:workloads[0].availabilityZones[1]",
      /is not a zone of us-east-1; its zones are us-east-1a, .*us-east-1f/,
    );
  });

  it("accepts every zone of the table", () => {
    assert.deepEqual(
      problemsOf(
        (c) => (c["secrets-hub:central"].availabilityZones = ["us-east-1e", "us-east-1f"]),
      ),
      [],
    );
  });
});

describe("config rule rotation-version-in-partition", () => {
  it("accepts GovCloud and China environments with the commercial pin the kernel pairs", () => {
    assert.deepEqual(problemsOf(movedTo("us-gov-west-1", "us-gov-east-1", "aws-us-gov")), []);
    assert.deepEqual(problemsOf(movedTo("cn-north-1", "cn-northwest-1", "aws-cn")), []);
  });

  it("refuses another version there, naming the partition's version", () => {
    refuses(
      (c) => {
        movedTo("us-gov-west-1", "us-gov-east-1", "aws-us-gov")(c);
        c["secrets-hub:rotation"].applicationVersion = "1.1.680";
      },
      "secrets-hub:rotation.applicationVersion",
      /^secrets-hub:rotation\.applicationVersion: names no version known in aws-us-gov \(secrets-hub:central\.region is us-gov-west-1\): there the program deploys SecretsManagerRDS\w+ 1\.1\.38[34], the AWS CDK's aws-us-gov pin that goes with 1\.1\.671; write 1\.1\.671 \(got "1\.1\.680"\)$/,
    );
  });

  it("leaves the commercial partition's version to the schema", () => {
    assert.deepEqual(
      problemsOf((c) => (c["secrets-hub:rotation"].applicationVersion = "1.1.680")),
      [],
    );
  });
});

describe("config: a mistyped namespace", () => {
  it("refuses secret-hub: and secretshub: keys with the secrets-hub: key meant", () => {
    const problems = problemsOf((c) => {
      c["secret-hub:accessAnalyzer"] = "none";
      c["secretshub:tags"] = { team: "x" };
    });
    assert.ok(
      problems.includes(
        "secret-hub:accessAnalyzer: unknown namespace secret-hub; did you mean secrets-hub:accessAnalyzer? (the program reads secrets-hub: keys; pulumi:, aws:, aws-native:, random: are the CLI's and the providers')",
      ),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) =>
        p.startsWith(
          "secretshub:tags: unknown namespace secretshub; did you mean secrets-hub:tags?",
        ),
      ),
    );
    refuses((c) => (c["pulmi:tags"] = {}), "pulmi:tags", /did you mean pulumi:tags\?/);
  });

  it("accepts the CLI's and the providers' namespaces, and another tool's", () => {
    assert.deepEqual(
      problemsOf((c) => {
        c["aws:region"] = "us-east-1";
        c["aws-native:region"] = "us-east-1";
        c["pulumi:tags"] = { team: "x" };
        c["myteam:owner"] = "platform";
      }),
      [],
    );
  });
});
