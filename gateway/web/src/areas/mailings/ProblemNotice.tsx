/** An API error where the fields it names are not on this screen: the problem's text and every field's message
 * (without the technical field names), in the user's language. */
import type { ApiError } from "../../api/client";
import { useT } from "../../i18n";

export function ProblemNotice({ error }: { error: ApiError | null }) {
  const t = useT();
  if (!error) return null;
  if (error.status === 0) {
    return <div className="notice error" role="alert"><strong>{t("common.error.title")}</strong> {t("common.error.network")}</div>;
  }
  const messages = Array.from(new Set([error.detail, ...Object.values(error.fields)].filter(Boolean)));
  return (
    <div className="notice error" role="alert">
      <strong>{error.title}</strong>
      {messages.length === 1 ? <span> {messages[0]}</span> : <ul>{messages.map((m) => <li key={m}>{m}</li>)}</ul>}
      {error.status >= 500 && error.requestId && <span className="muted"> ({t("common.error.request", { id: error.requestId })})</span>}
    </div>
  );
}
