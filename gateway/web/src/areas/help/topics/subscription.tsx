import type { HelpTopic } from "../topic";

export const topic: HelpTopic = {
  id: "subscription",
  order: 30,
  paths: ["/subscription"],
  title: { de: "Abonnement, Startphase und Rechnungen", en: "Subscription, starting phase and invoices" },
  body: {
    de: () => (
      <>
        <h2>Die Startphase</h2>
        <p>Jedes Abonnement beginnt mit einer kostenlosen Startphase von 15 Tagen (der erste Tag zählt mit). In ihr gehen
          an ein Mailing höchstens 100 Empfänger, und Exporte aus der Pressedatenbank sind noch nicht möglich. Kündigen Sie
          in der Startphase, endet das Abonnement am selben Tag, ohne Kosten. Der Knopf „Verträge hier kündigen“ steht auf
          der Startseite und unter „Abonnement“.</p>
        <h2>Laufzeit und Kündigung</h2>
        <p>Danach läuft das Abonnement bis zum 31. Dezember und verlängert sich jeweils um ein Jahr. Eine Kündigung bis zum
          30. September beendet es zum 31. Dezember desselben Jahres, eine spätere zum 31. Dezember des Folgejahres. Bis
          zum Ende können Sie die Kündigung zurücknehmen.</p>
        <h2>Lizenzen und Zusatzmodule ändern</h2>
        <p>Mehr Lizenzen oder ein weiteres Modul gelten sofort; den Rest des schon berechneten Zeitraums stellen wir
          anteilig in Rechnung. Weniger gilt ab dem nächsten 1. Januar und steht bis dahin als „geplante Änderung“ da.</p>
        <h2>Rechnungen</h2>
        <p>Rechnungen kommen quartalsweise im Voraus, der Verbrauch (Mails, Speicher über 1 GB) monatlich im Nachhinein. Jede
          Rechnung können Sie als PDF herunterladen; das PDF enthält die Rechnungsdaten maschinenlesbar (ZUGFeRD/Factur-X).</p>
      </>
    ),
    en: () => (
      <>
        <h2>The starting phase</h2>
        <p>Every subscription begins with a free starting phase of 15 days (the first day counts). During it a mailing
          reaches at most 100 recipients, and exports from the pressbase are not yet possible. If you cancel in the starting
          phase, the subscription ends the same day, free of charge. The "Cancel contract here" button is on the start page
          and under "Subscription".</p>
        <h2>Term and cancellation</h2>
        <p>After that the subscription runs until 31 December and renews by one year each time. A cancellation by 30
          September ends it on 31 December of that year, a later one on 31 December of the following year. You can revoke
          the cancellation until the end.</p>
        <h2>Changing licences and add-ons</h2>
        <p>More licences or another add-on apply at once; the rest of the period already invoiced is invoiced pro rata.
          Fewer apply from the next 1 January and show as a "scheduled change" until then.</p>
        <h2>Invoices</h2>
        <p>Invoices come quarterly in advance, usage (mails, storage above 1 GB) monthly in arrears. Download any invoice as
          a PDF; it carries the invoice data machine-readable (ZUGFeRD/Factur-X).</p>
      </>
    ),
  },
};
