import type { Metadata } from "next";
import { connection } from "next/server";
import { LoginForm } from "../../components/login-form.tsx";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  await connection(); // rendered per request: its scripts carry this request's CSP nonce
  const { next } = await searchParams;
  return (
    <main className="center-screen">
      <section className="panel login">
        <div className="brand login-brand"><span className="brand-mark" aria-hidden>◆</span> Fanout <span className="brand-sub">console</span></div>
        <p className="muted">Sign in with your operator account.</p>
        <LoginForm next={safeNext(typeof next === "string" ? next : undefined)} />
      </section>
    </main>
  );
}

/** Only a path on this console: never `//other.host` or `/\other.host`. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) && !next.startsWith("/login") ? next : "/";
}
