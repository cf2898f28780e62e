import type { Metadata } from "next";
import { NotBuilt } from "../../../components/panel.tsx";

export const metadata: Metadata = { title: "Rate limits" };

export default function RateLimitsPage() {
  return (
    <NotBuilt
      title="Rate limits"
      will={[
        "A gauge per limit key: used / limit, remaining, countdown to the window's reset, with its history",
        "For adaptive keys: the current rate against the discovered ceiling, and the 429s",
        "Override a limit or clear a key (with confirmation)",
      ]}
      waitsFor="a limiter read API in the jobs package (ops.ts) that lists limit keys and their state"
    />
  );
}
