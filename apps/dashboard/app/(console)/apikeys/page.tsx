import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { ApiKeysAdmin } from "../../../components/delivery-admin.tsx";
import { PageHeader } from "../../../components/panel.tsx";
import { currentOperator } from "../../../lib/auth.ts";
import { qk } from "../../../lib/query-keys.ts";
import { roleAllows } from "../../../lib/roles.ts";
import { loadApiKeys, prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const auth = await currentOperator();
  if (auth.state !== "ok" || !roleAllows(auth.operator.role, "admin")) {
    return (
      <>
        <PageHeader title="API keys" />
        <section className="panel forbidden" role="alert">Only admins manage API keys.</section>
      </>
    );
  }
  return (
    <>
      <PageHeader title="API keys" subtitle="Keys of the host website's API (/api/v1). A key opens that API only, never this console; an operator's session never opens the API." />
      <HydrationBoundary state={await prefetch([{ key: qk.apikeys(), load: loadApiKeys }])}>
        <ApiKeysAdmin />
      </HydrationBoundary>
    </>
  );
}
