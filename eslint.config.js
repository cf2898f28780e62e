import { base } from "@fanout/eslint-config";

export default base;
