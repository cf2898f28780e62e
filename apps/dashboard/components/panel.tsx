import type { ReactNode } from "react";

export function Panel({ title, actions, children, className }: { title: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`panel ${className ?? ""}`}>
      <header className="panel-head">
        <h2>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}

export function PageHeader({ title, subtitle, children }: { title: string; subtitle?: string; children?: ReactNode }) {
  return (
    <header className="page-head">
      <div>
        <h1>{title}</h1>
        {subtitle ? <p className="muted">{subtitle}</p> : null}
      </div>
      {children}
    </header>
  );
}

/** An honest placeholder: what the page will show, and what it waits for. */
export function NotBuilt({ title, will, waitsFor }: { title: string; will: string[]; waitsFor: string }) {
  return (
    <>
      <PageHeader title={title} />
      <section className="panel not-built" data-testid="not-built">
        <div className="not-built-badge">not built yet</div>
        <p>This view is part of the console&apos;s plan but has no data source in the engine yet.</p>
        <h3>It will show</h3>
        <ul>{will.map((w) => <li key={w}>{w}</li>)}</ul>
        <p className="muted">Waiting for: {waitsFor}</p>
      </section>
    </>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}
