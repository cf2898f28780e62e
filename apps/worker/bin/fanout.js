#!/usr/bin/env node
// Registers tsx in-process so `npx fanout` runs the TypeScript CLI without a build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
