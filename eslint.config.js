import { base } from "@fanout/eslint-config";
import reactHooks from "eslint-plugin-react-hooks";

export default [
  ...base,
  // The console's React code: the hooks rules (incl. the React Compiler checks), nowhere else.
  { files: ["apps/dashboard/**/*.{ts,tsx}"], ...reactHooks.configs.flat["recommended-latest"] },
  {
    // Code Next bundles takes the jobs package (and the console's server/ modules) for types only: server.ts loads
    // them once and hands them over (apps/dashboard/lib/services.ts), so route handlers never get a second copy.
    files: ["apps/dashboard/{app,components,lib}/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", {
        patterns: [{ group: ["@fanout/jobs/*", "**/server/*"], allowTypeImports: true, message: "Types only here: reach the jobs package through services() (lib/services.ts)." }],
      }],
    },
  },
];
