import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { WebhooksView } from "../../../components/delivery-admin.tsx";
import { PageHeader } from "../../../components/panel.tsx";
import { qk } from "../../../lib/query-keys.ts";
import { loadWebhooks, prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  return (
    <>
      <PageHeader title="Webhooks" subtitle="Signed events to the host website (sync.settled, account.disconnected): each endpoint's recent deliveries, their status, and redelivery by hand." />
      <HydrationBoundary state={await prefetch([{ key: qk.webhooks(), load: loadWebhooks }])}>
        <WebhooksView />
      </HydrationBoundary>
    </>
  );
}
