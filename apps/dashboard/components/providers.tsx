"use client";
import { QueryClientProvider } from "@tanstack/react-query";
import { createContext, useContext, type ReactNode } from "react";
import type { Role } from "@fanout/jobs/operators";
import { getQueryClient } from "../lib/get-query-client.ts";

export interface ConsoleSession { name: string; role: Role; csrf: string }

const SessionContext = createContext<ConsoleSession | null>(null);

/** The signed-in operator and the session's CSRF token (not a secret: useless without the HttpOnly cookie). */
export function useConsoleSession(): ConsoleSession {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useConsoleSession outside <Providers>");
  return s;
}

export function Providers({ session, children }: { session: ConsoleSession; children: ReactNode }) {
  const queryClient = getQueryClient();
  return (
    <QueryClientProvider client={queryClient}>
      <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
    </QueryClientProvider>
  );
}
