import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { AccountView } from "../../../components/accounts/account-view.tsx";
import { FindForms } from "../../../components/jobs/find-forms.tsx";
import { Empty, PageHeader, Panel } from "../../../components/panel.tsx";
import { loadAccount } from "../../../lib/load/jobs.ts";
import { qk } from "../../../lib/query-keys.ts";
import { Account } from "../../../lib/schemas.ts";
import { prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Accounts" };

export default async function AccountsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).account;
  const parsed = Account.safeParse(typeof raw === "string" ? raw.trim() : "");
  const account = parsed.success ? parsed.data : null;
  return (
    <>
      <PageHeader title="Accounts" subtitle="Connection, whale flag, unfinished and failed jobs, latest syncs; reprioritize or move to the whale queue.">
        <FindForms />
      </PageHeader>
      {account ? (
        <HydrationBoundary state={await prefetch([{ key: qk.account(account), load: () => loadAccount(account) }])}>
          <AccountView account={account} />
        </HydrationBoundary>
      ) : (
        <Panel title="Find an account"><Empty>{raw ? "That is not NETWORK:ACCOUNT_ID." : "Enter an account as NETWORK:ACCOUNT_ID (e.g. twitter:12345)."}</Empty></Panel>
      )}
    </>
  );
}
