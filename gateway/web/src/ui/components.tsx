/**
 * The small, accessible component kit: every field has a visible label and its error right below it (linked with
 * aria-describedby, aria-invalid set); notices are live regions; buttons are real buttons; tables scroll
 * sideways on a phone instead of breaking the layout.
 */
import { useEffect, useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import type { ApiError } from "../api/client";
import { useT } from "../i18n";

interface FieldShell {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
}

function describedBy(id: string, error?: string, hint?: ReactNode) {
  return [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;
}

function Below({ id, error, hint }: { id: string; error?: string; hint?: ReactNode }) {
  return (
    <>
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p className="field-error" id={`${id}-error`}>{error}</p>}
    </>
  );
}

export function Field({ label, error, hint, id, ...input }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={fid}>{label}</label>
      <input id={fid} aria-invalid={error ? true : undefined} aria-describedby={describedBy(fid, error, hint)} {...input} />
      <Below id={fid} error={error} hint={hint} />
    </div>
  );
}

export function TextArea({ label, error, hint, id, ...input }: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={fid}>{label}</label>
      <textarea id={fid} aria-invalid={error ? true : undefined} aria-describedby={describedBy(fid, error, hint)} {...input} />
      <Below id={fid} error={error} hint={hint} />
    </div>
  );
}

export function Select({ label, error, hint, id, children, ...input }: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={fid}>{label}</label>
      <select id={fid} aria-invalid={error ? true : undefined} aria-describedby={describedBy(fid, error, hint)} {...input}>
        {children}
      </select>
      <Below id={fid} error={error} hint={hint} />
    </div>
  );
}

export function Checkbox({ label, error, hint, id, ...input }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div className={`field checkbox${error ? " has-error" : ""}`}>
      <input type="checkbox" id={fid} aria-invalid={error ? true : undefined} aria-describedby={describedBy(fid, error, hint)} {...input} />
      <label htmlFor={fid}>{label}</label>
      <Below id={fid} error={error} hint={hint} />
    </div>
  );
}

/** The form-level error: the problem's title and detail, plus the request id for support on a 5xx. */
export function ErrorNotice({ error, fieldsShown = true }: { error: ApiError | null; fieldsShown?: boolean }) {
  const t = useT();
  if (!error) return null;
  const hasFields = Object.keys(error.fields).length > 0;
  let text: string;
  if (error.status === 0) text = t("common.error.network");
  else if (hasFields && fieldsShown) text = t("common.error.fields");
  else text = error.detail || error.title;
  return (
    <div className="notice error" role="alert">
      <strong>{error.status === 0 ? t("common.error.title") : error.title}</strong>
      <span> {text}</span>
      {error.status >= 500 && error.requestId && <span className="muted"> ({t("common.error.request", { id: error.requestId })})</span>}
      {hasFields && !fieldsShown && (
        <ul>
          {Object.entries(error.fields).map(([f, m]) => (
            <li key={f}>
              {f}: {m}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ kind = "info", children }: { kind?: "info" | "success" | "warning"; children: ReactNode }) {
  return (
    <div className={`notice ${kind}`} role="status">
      {children}
    </div>
  );
}

export function Loading() {
  const t = useT();
  return (
    <p className="loading" role="status" aria-live="polite">
      {t("common.loading")}
    </p>
  );
}

export function Progress({ value, max, label }: { value: number; max: number | null; label: ReactNode }) {
  const pct = max ? Math.min(100, Math.round((value / max) * 100)) : null;
  return (
    <div className="progress">
      <div className="progress-label">
        {label} {pct !== null && <span>{pct} %</span>}
      </div>
      <progress value={max ? value : undefined} max={max ?? undefined} aria-label={typeof label === "string" ? label : undefined} />
    </div>
  );
}

/** A page: sets the document title and gives the main heading (focus target after navigation). */
export function Page({ title, actions, children, wide }: { title: string; actions?: ReactNode; children: ReactNode; wide?: boolean }) {
  useEffect(() => {
    document.title = `${title} · Pressroom`;
  }, [title]);
  return (
    <section className={`page${wide ? " wide" : ""}`} aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions && <div className="page-actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

export function Card({ title, children, className }: { title?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card ${className ?? ""}`}>
      {title && <h2>{title}</h2>}
      {children}
    </section>
  );
}

export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table>{children}</table>
    </div>
  );
}

export function Badge({ kind = "neutral", children }: { kind?: "neutral" | "ok" | "warn" | "bad" | "info"; children: ReactNode }) {
  return <span className={`badge ${kind}`}>{children}</span>;
}
