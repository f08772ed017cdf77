/**
 * One journalist and one outlet of the media database, as licensed: the facts, the outlets (or the newsroom's
 * journalists), PLUS fields when PLUS is licensed, an outlet's upcoming editorial calendars when those are
 * licensed (otherwise the service's reason), and the actions: transfer into contacts, add to a list.
 */
import { Fragment, useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api } from "../../api/client";
import { useClients } from "../../app/clients";
import { hasMessage, useI18n } from "../../i18n";
import { Card, ErrorNotice, Loading, Notice, Page, TableWrap } from "../../ui/components";
import { formatDate, formatNumber } from "../../ui/format";
import { useLoad } from "../../ui/hooks";
import { labelOf, loadLicence, loadReference, P, type Journalist, type Outlet, type Reference } from "./api";
import { ForwardFeatureTable, useForwardFeatureReason } from "./ForwardFeaturesPage";
import { ActionPanel, AddToListPanel, Codes, DatasetBadge, PressbaseTabs, TransferPanel } from "./shared";

function BackToSearch() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <p>
      <button type="button" className="link-button" onClick={() => (window.history.length > 1 ? navigate(-1) : navigate("/pressbase"))}>
        ← {t("pressbase.back")}
      </button>
    </p>
  );
}

function PlusFields({ plus }: { plus?: Record<string, unknown> }) {
  const { t } = useI18n();
  if (!plus || Object.keys(plus).length === 0) return null;
  return (
    <Card title={t("pressbase.plus.title")}>
      <dl className="facts">
        {Object.entries(plus).map(([k, v]) => (
          <Fragment key={k}>
            <dt>{hasMessage(`pressbase.plus.${k}`) ? t(`pressbase.plus.${k}`) : k}</dt>
            <dd className="break">{typeof v === "object" ? JSON.stringify(v) : String(v)}</dd>
          </Fragment>
        ))}
      </dl>
    </Card>
  );
}

export function JournalistPage() {
  const { id } = useParams();
  const { t, lang } = useI18n();
  const { clients } = useClients();
  const load = useLoad((signal) => api.get<Journalist>(`${P}/journalists/${id}`, { signal }), [id, lang]);
  const j = load.data;
  return (
    <Page title={j ? j.name : t("pressbase.journalist")} wide>
      <PressbaseTabs />
      <BackToSearch />
      <ErrorNotice error={load.error} />
      {!j && load.loading && <Loading />}
      {j && (
        <div className="detail-layout">
          <div>
            <Card title={t("pressbase.journalist")}>
              <p className="muted">{j.pressbase_id} <DatasetBadge dataset={j.dataset} /></p>
              <dl className="facts">
                <dt>{t("pressbase.position")}</dt><dd>{j.position || "–"}</dd>
                <dt>{t("pressbase.facet.desk")}</dt><dd><Codes codes={j.desks} /></dd>
                <dt>{t("pressbase.facet.topic")}</dt><dd><Codes codes={j.topics} /></dd>
                <dt>{t("pressbase.facet.language")}</dt><dd><Codes codes={j.languages} /></dd>
                <dt>{t("pressbase.place")}</dt><dd>{[j.city, j.state?.label, j.country?.label].filter(Boolean).join(", ") || "–"}</dd>
                <dt>{t("pressbase.employment")}</dt><dd>{j.freelance ? t("pressbase.freelance.true") : t("pressbase.freelance.false")}</dd>
                <dt>{t("pressbase.email")}</dt><dd>{j.email ? <a href={`mailto:${j.email}`}>{j.email}</a> : "–"}</dd>
                <dt>{t("pressbase.phone")}</dt><dd>{j.phone ? <a href={`tel:${j.phone.replace(/[^+\d]/g, "")}`}>{j.phone}</a> : "–"}</dd>
                <dt>{t("pressbase.verified")}</dt><dd>{formatDate(lang, j.last_verified)}</dd>
              </dl>
            </Card>
            <Card title={t("pressbase.outlets")}>
              {j.outlets.length === 0 ? <p>{t("common.none")}</p> : (
                <ul className="plain">
                  {j.outlets.map((o) => (
                    <li key={o.id}>
                      <Link to={`/pressbase/outlets/${o.id}`}>{o.name}</Link>
                      <span className="muted"> · {[o.role?.label, o.media_type?.label].filter(Boolean).join(" · ")}</span>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
            <PlusFields plus={j.plus} />
          </div>
          <div className="panels">
            <ActionPanel id="j-transfer" title={t("pressbase.transfer.title")} defaultOpen>
              <TransferPanel clients={clients} journalistIds={[j.id]} names={[`${j.first_name} ${j.last_name}`.trim()]} />
            </ActionPanel>
            <ActionPanel id="j-add" title={t("pressbase.add.title")}>
              <AddToListPanel clients={clients} target="journalists" journalistIds={[j.id]} />
            </ActionPanel>
          </div>
        </div>
      )}
    </Page>
  );
}

export function OutletPage() {
  const { id } = useParams();
  const { t, lang } = useI18n();
  const { clients } = useClients();
  const load = useLoad((signal) => api.get<Outlet>(`${P}/outlets/${id}`, { signal }), [id, lang]);
  const licence = useLoad((signal) => loadLicence(signal), []);
  const ffReason = useForwardFeatureReason(licence.data);
  const [refData, setRefData] = useState<Reference | null>(null);
  useEffect(() => { loadReference(lang).then(setRefData).catch(() => setRefData(null)); }, [lang]);
  const o = load.data;
  return (
    <Page title={o ? o.name : t("pressbase.outlet")} wide>
      <PressbaseTabs />
      <BackToSearch />
      <ErrorNotice error={load.error} />
      {!o && load.loading && <Loading />}
      {o && (
        <>
          <div className="detail-layout">
            <Card title={t("pressbase.outlet")}>
              <p className="muted">{o.pressbase_id} <DatasetBadge dataset={o.dataset} /></p>
              <dl className="facts">
                <dt>{t("pressbase.facet.media_type")}</dt><dd>{o.media_type?.label ?? "–"}</dd>
                <dt>{t("pressbase.publisher")}</dt><dd>{o.publisher || "–"}</dd>
                <dt>{t("pressbase.facet.frequency")}</dt><dd>{o.frequency?.label ?? "–"}</dd>
                <dt>{t("pressbase.circulation")}</dt><dd>{o.circulation ? formatNumber(lang, o.circulation) : "–"}</dd>
                <dt>{t("pressbase.reach")}</dt><dd>{o.reach ? formatNumber(lang, o.reach) : "–"}</dd>
                <dt>{t("pressbase.facet.language")}</dt><dd>{o.language?.label ?? "–"}</dd>
                <dt>{t("pressbase.address")}</dt>
                <dd><address>{o.street}{o.street && <br />}{[o.postal_code, o.city].filter(Boolean).join(" ")}{(o.postal_code || o.city) && <br />}{[o.state?.label, o.country?.label].filter(Boolean).join(", ")}</address></dd>
                <dt>{t("pressbase.website")}</dt><dd>{o.website ? <a href={o.website} rel="noopener noreferrer" target="_blank">{o.website}</a> : "–"}</dd>
                <dt>{t("pressbase.email")}</dt><dd>{o.email ? <a href={`mailto:${o.email}`}>{o.email}</a> : "–"}</dd>
                <dt>{t("pressbase.phone")}</dt><dd>{o.phone || "–"}</dd>
                <dt>{t("pressbase.facet.topic")}</dt><dd><Codes codes={o.topics} /></dd>
                <dt>{t("pressbase.departments")}</dt><dd><Codes codes={o.departments} /></dd>
              </dl>
            </Card>
            <div className="panels">
              <ActionPanel id="o-add" title={t("pressbase.add.title")}>
                <AddToListPanel clients={clients} target="outlets" outletIds={[o.id]} />
              </ActionPanel>
              <PlusFields plus={o.plus} />
            </div>
          </div>
          <h2>{t("pressbase.staff")}</h2>
          {o.journalists && o.journalists.length > 0 ? (
            <TableWrap label={t("pressbase.staff")}>
              <thead><tr><th>{t("pressbase.name")}</th><th>{t("pressbase.position")}</th><th>{t("pressbase.role")}</th></tr></thead>
              <tbody>
                {o.journalists.map((s) => (
                  <tr key={s.id}>
                    <td><Link to={`/pressbase/journalists/${s.id}`}>{s.name}</Link></td>
                    <td>{s.position || "–"}</td>
                    <td>{s.role ? labelOf(refData, "role", s.role) ?? s.role : "–"}</td>
                  </tr>
                ))}
              </tbody>
            </TableWrap>
          ) : <p>{t("common.none")}</p>}
          <h2>{t("pressbase.ff.upcoming")}</h2>
          {o.forward_features ? (
            o.forward_features.length ? <ForwardFeatureTable items={o.forward_features} hideOutlet /> : <p>{t("pressbase.ff.none")}</p>
          ) : (
            <Notice kind="warning">{ffReason ?? t("pressbase.ff.notLicensed")}</Notice>
          )}
        </>
      )}
    </Page>
  );
}
