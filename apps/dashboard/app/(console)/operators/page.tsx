import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { OperatorsAdmin } from "../../../components/operators-admin.tsx";
import { PageHeader } from "../../../components/panel.tsx";
import { currentOperator } from "../../../lib/auth.ts";
import { qk } from "../../../lib/query-keys.ts";
import { roleAllows } from "../../../lib/roles.ts";
import { loadOperators, prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Operators" };

export default async function OperatorsPage() {
  const auth = await currentOperator();
  if (auth.state !== "ok" || !roleAllows(auth.operator.role, "admin")) {
    return (
      <>
        <PageHeader title="Operators" />
        <section className="panel forbidden" role="alert">Only admins manage operators.</section>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Operators" subtitle="Who may sign in to this console, and what they may do. Viewers read; operators act; admins also manage operators." />
      <HydrationBoundary state={await prefetch([{ key: qk.operators.all(), load: loadOperators }])}>
        <OperatorsAdmin self={auth.operator.name} />
      </HydrationBoundary>
    </>
  );
}
