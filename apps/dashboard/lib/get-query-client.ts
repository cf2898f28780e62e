import { isServer, QueryClient } from "@tanstack/react-query";

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Prefetched on the server and polled on the client: don't refetch what the page just rendered.
      queries: { staleTime: 2_000, retry: 1, refetchOnWindowFocus: true },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

/** A new client per server request; one for the browser's whole life. */
export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}
