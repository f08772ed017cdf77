import type { HelpTopic } from "../topic";

export const topic: HelpTopic = {
  id: "backoffice",
  order: 90,
  paths: ["/backoffice", "/status"],
  title: { de: "Back-Office und Statusseite (Betreiber)", en: "Back office and status page (operators)" },
  body: {
    de: () => (
      <>
        <h2>Anmeldung</h2>
        <p>Mitarbeiter des Betreibers melden sich unter /backoffice/login an, immer mit einem Code per E-Mail. Jede Anfrage
          im Back-Office wird protokolliert.</p>
        <h2>Bestellungen</h2>
        <p>Bestellungen aus dem Web warten unter „Bestellungen“ auf die Aktivierung. Aktivieren legt das Konto mit
          Lizenzmanager und Administrator an und verschickt die Einladungen; die Startphase beginnt mit dem bestellten
          Datum. Schriftliche Bestellungen erfassen Sie mit dem unterschriebenen PDF.</p>
        <h2>Störungsmeldungen</h2>
        <p>Was Sie unter „Störungsmeldungen“ veröffentlichen, steht sofort auf der öffentlichen Statusseite, auf Deutsch und
          (wenn angegeben) auf Englisch. Markieren Sie eine Störung als behoben, sobald sie es ist; behobene Meldungen
          bleiben eine Woche sichtbar.</p>
      </>
    ),
    en: () => (
      <>
        <h2>Logging in</h2>
        <p>The operator's staff log in at /backoffice/login, always with a code by e-mail. Every back-office request is
          recorded in the audit log.</p>
        <h2>Orders</h2>
        <p>Web orders wait under "Orders" for activation. Activating creates the account with its license manager and
          administrator and sends the invitations; the starting phase begins on the ordered date. Enter written orders with
          the signed PDF.</p>
        <h2>Incident notes</h2>
        <p>What you publish under "Incident notes" appears at once on the public status page, in German and (if given) in
          English. Mark an incident resolved as soon as it is; resolved notes stay visible for a week.</p>
      </>
    ),
  },
};
