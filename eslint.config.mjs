// Flat config: typescript-eslint (type-aware, so the Pulumi rules can see Output types)
// plus @pulumi/eslint-plugin, which forbids Outputs inside plain template literals.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

/** Who may read other stacks and the configuration. */
const BOUNDARIES = [
  {
    selector: "NewExpression[callee.property.name='StackReference']",
    message: "src/peers.ts is the only module that reads other stacks.",
  },
  {
    selector: "NewExpression[callee.property.name='Config']",
    message: "src/config is the only module that reads configuration.",
  },
];

/**
 * The connectivity seam: the mode is picked once (src/connectivity/index.ts) and asked,
 * never read or compared by name elsewhere. The names are those of src/config/transitGateway.ts
 * CONNECTIVITY_MODES; a new mode adds its name here with its module.
 */
const MODE_NAMES = "/^(peering|transit-gateway)$/";
const MODE_MESSAGE =
  "The connectivity mode is chosen in one place (src/connectivity/index.ts): ask the mode object (modeOf(env), connectivityMode(name)) instead of reading or comparing its name, so a new mode is one module and a compile error, not a silent peering plan.";
const MODE_SEAM = [
  { selector: "MemberExpression[property.name='connectivity']", message: MODE_MESSAGE },
  {
    selector: `BinaryExpression[operator=/^[!=]==?$/] > Literal[value=${MODE_NAMES}]`,
    message: MODE_MESSAGE,
  },
  { selector: `SwitchCase > Literal.test[value=${MODE_NAMES}]`, message: MODE_MESSAGE },
];

const KERNEL_IMPORTS_NOTHING =
  "kernel/ holds AWS facts as plain data and functions that every layer reads (src/, components/, scripts): it imports nothing, not even Node's modules or a package, only its own files, so it can never pull a provider or the program into a reader.";

export default tseslint.config(
  { ignores: ["node_modules/**", "bin/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // The boundaries of the program, as checks (README, "Code layout").
    files: ["**/*.ts"],
    ignores: ["src/peers.ts", "tests/**"],
    rules: { "no-restricted-syntax": ["error", ...BOUNDARIES] },
  },
  {
    // The same boundaries plus the connectivity seam, outside the modes and the config
    // (which declares the names). One rule entry per file: a later block replaces the
    // selectors of an earlier one, so this one repeats them.
    files: ["**/*.ts"],
    ignores: ["src/peers.ts", "tests/**", "src/connectivity/**", "src/config/**"],
    rules: { "no-restricted-syntax": ["error", ...BOUNDARIES, ...MODE_SEAM] },
  },
  {
    files: ["components/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/src", "**/src/**"],
              message:
                "Components are self-contained: they take their own args and import nothing from src/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      "src/deploy/**/*.ts",
      "src/pipeline/**/*.ts",
      "src/topology.ts",
      "scripts/deploy.ts",
      "scripts/pipeline.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/offline", "**/offline/**"],
              message: "The deploy path must not load the mock engine of the offline plan.",
            },
          ],
        },
      ],
    },
  },
  {
    // The kernel's one import form is a sibling file (`./partitions`); `import type` alike.
    files: ["kernel/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(?!\\./[^/]+$)", message: KERNEL_IMPORTS_NOTHING }] },
      ],
      "no-restricted-syntax": [
        "error",
        ...BOUNDARIES,
        ...MODE_SEAM,
        { selector: "ImportExpression", message: KERNEL_IMPORTS_NOTHING },
        { selector: "CallExpression[callee.name='require']", message: KERNEL_IMPORTS_NOTHING },
        { selector: "TSImportEqualsDeclaration", message: KERNEL_IMPORTS_NOTHING },
        { selector: "TSImportType", message: KERNEL_IMPORTS_NOTHING },
      ],
    },
  },
  {
    files: ["policy-pack/lib/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@pulumi/*", "**/src/**", "**/components/**"],
              message:
                "policy-pack/lib is the SDK-free boundary the program imports one way: no SDK, nothing from the program.",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests edit parsed YAML and JSON documents freely. They are linted without type
    // information (tsc type-checks them; typed linting of them cost a third of the lint
    // time): the rules that need types are off here, and mocha fails a test whose
    // assertion promise is left floating only if it rejects, so await every assertion.
    files: ["tests/**/*.ts"],
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-floating-promises": "off",
      "@pulumi/no-output-in-template-literal": "off",
      "@pulumi/no-output-instance-in-template-literal": "off",
    },
  },
);
