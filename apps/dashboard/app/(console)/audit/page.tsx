import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { AuditView } from "../../../components/audit-view.tsx";
import { PageHeader } from "../../../components/panel.tsx";
import { prefetchAudit } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  return (
    <>
      <PageHeader title="Audit log" subtitle="Who did what, through which shell (console, CLI, API), and how many jobs it touched. Read-only." />
      <HydrationBoundary state={await prefetchAudit()}>
        <AuditView />
      </HydrationBoundary>
    </>
  );
}
