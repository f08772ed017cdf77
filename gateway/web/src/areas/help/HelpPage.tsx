/** The online help in German and English, reachable from every page (the header's "Help" link). */
import { Link, useLocation, useParams } from "react-router-dom";
import { useI18n } from "../../i18n";
import { Page } from "../../ui/components";
import type { HelpTopic } from "./topic";

const modules = import.meta.glob<{ topic: HelpTopic }>("./topics/*.tsx", { eager: true });
export const topics: HelpTopic[] = Object.values(modules).map((m) => m.topic).sort((a, b) => a.order - b.order);

function topicFor(path: string | null): HelpTopic {
  if (path) {
    const match = topics
      .flatMap((t) => t.paths.map((p) => [p, t] as const))
      .filter(([p]) => (p === "/" ? path === "/" : path.startsWith(p)))
      .sort((a, b) => b[0].length - a[0].length)[0];
    if (match) return match[1];
  }
  return topics[0];
}

export function HelpPage() {
  const { t, lang } = useI18n();
  const { topicId } = useParams();
  const from = new URLSearchParams(useLocation().search).get("from");
  const current = topics.find((tp) => tp.id === topicId) ?? topicFor(from);
  return (
    <Page title={`${t("common.help")}: ${current.title[lang]}`} wide>
      <div className="help-layout">
        <nav className="help-toc" aria-label={t("help.toc")}>
          <ul>
            {topics.map((tp) => (
              <li key={tp.id}>
                <Link to={`/help/${tp.id}`} className={tp.id === current.id ? "active" : ""} aria-current={tp.id === current.id ? "page" : undefined}>
                  {tp.title[lang]}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <article className="help-body card" lang={lang}>{current.body[lang]()}</article>
      </div>
    </Page>
  );
}
