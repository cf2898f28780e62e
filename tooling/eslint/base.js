// Shared lint rules for every workspace. Type-aware only where it pays: floating promises hide lost work.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export const ignores = {
  ignores: ["**/node_modules/**", "**/.next/**", "**/dist/**", "**/.turbo/**", "**/.fanout/**", "**/test-results/**",
    "**/playwright-report/**", "**/next-env.d.ts", "bench/results/**", "e2e/artifacts/**"],
};

export const base = tseslint.config(
  ignores,
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-empty": ["error", { allowEmptyCatch: false }],
      "no-restricted-syntax": ["error",
        { selector: "ExportDefaultDeclaration", message: "Named exports only (default only where a framework needs it)." },
        { selector: "ExportAllDeclaration", message: "No barrels: import from the module that owns the thing." }],
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read the environment in env.ts only." }],
    },
  },
  {
    files: ["**/env.ts", "**/*.config.{ts,js,mjs}", "scripts/**", "**/*.test.ts", "e2e/**", "bench/**", "**/test/**", "**/faults/**", "tooling/testkit/**"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    files: ["**/*.{js,mjs,cjs}"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["**/*.config.{ts,js,mjs}", "fanout.config*.ts", "**/app/**/{page,layout,loading,error,not-found,route,template,default}.tsx", "**/eslint.config.js"],
    rules: { "no-restricted-syntax": "off" },
  },
);
