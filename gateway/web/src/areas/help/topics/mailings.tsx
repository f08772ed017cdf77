import type { HelpTopic } from "../topic";

/** Mailings from compose to report, the suppression list and the mediacenter (services/dispatch, crm's media). */
export const topic: HelpTopic = {
  id: "mailings",
  order: 38,
  paths: ["/mailings", "/media"],
  title: { de: "Mailings und Mediacenter", en: "Mailings and the mediacenter" },
  body: {
    de: () => (
      <>
        <h2>Ein Mailing in vier Schritten</h2>
        <ol>
          <li><strong>Inhalt:</strong> Absender, Betreff und Text. Platzhalter wie die Briefanrede setzen Sie an der
            Schreibmarke ein; beim Versand erhält jeder Empfänger seine eigene („Sehr geehrte Frau Dr. Muster,“).
            Anhänge laden Sie hoch oder nehmen sie aus dem Mediacenter (zusammen höchstens 20 MB).</li>
          <li><strong>Empfänger:</strong> Verteiler, einzelne Kontakte, Auswahlen aus der Mediendatenbank und eingegebene
            Adressen, beliebig kombiniert. Doppelte Adressen erhalten das Mailing nur einmal. Der Umfang zeigt vor dem
            Versand, wie viele Empfänger es sind, wie groß das Mailing wird und wer aus welchem Grund ausgelassen wird
            (Sperrliste, Abmeldung, ungültige Adresse, frühere Rückläufer).</li>
          <li><strong>Prüfen und senden:</strong> Was den Versand noch verhindert, steht oben (etwa ein fehlender Betreff
            oder eine unbestätigte Absenderdomain). Die Vorschau zeigt das Mailing so, wie ein gewählter Empfänger es
            sieht; ein Testversand geht an bis zu fünf Adressen. Dann senden Sie sofort oder planen einen Zeitpunkt; eine
            Planung lässt sich bis zum Start aufheben.</li>
          <li><strong>Bericht:</strong> Zugestellt, verzögert, unzustellbar, geöffnet, geklickt, abgemeldet – Zugriffe
            von Virenscannern und Bild-Proxys zählen getrennt. Unzustellbare Adressen korrigieren Sie direkt im Bericht
            und senden das Mailing erneut an sie; der Kontakt erhält die neue Adresse. Jeder Empfänger hat einen Verlauf,
            und der Bericht lässt sich als Excel-Datei laden.</li>
        </ol>
        <h2>Sperrliste</h2>
        <p>An Adressen und Domains auf der Sperrliste geht kein Mailing. Abmeldungen, dauerhaft unzustellbare Adressen
          und Beschwerden kommen von selbst dazu; eigene Einträge kann jeder anlegen, aufheben dürfen sie nur
          Administratoren.</p>
        <h2>Mediacenter</h2>
        <p>Pressefotos, Logos und Dokumente liegen je Mandant in Ordnern. Dateien laden Sie in einen geöffneten Ordner
          hoch (bis 100 MB je Datei), laden sie herunter, benennen sie um, ordnen sie Kontakten zu oder hängen sie an
          Mailings an. Bei Mandanten, die Sie nur lesen dürfen, können Sie Dateien ansehen und herunterladen.</p>
      </>
    ),
    en: () => (
      <>
        <h2>A mailing in four steps</h2>
        <ol>
          <li><strong>Content:</strong> sender, subject and body. Placeholders such as the letter salutation go in at the
            caret; when sending, every recipient gets their own ("Dear Dr Smith,"). Attachments are uploaded or taken from
            the mediacenter (at most 20 MB together).</li>
          <li><strong>Recipients:</strong> distribution lists, single contacts, selections from the media database and
            typed addresses, in any combination. Duplicate addresses get the mailing once. Before sending, the volume
            shows how many recipients there are, how large the mailing is and who is left out for which reason
            (suppression list, unsubscribed, invalid address, earlier bounces).</li>
          <li><strong>Check and send:</strong> whatever still stops the sending is listed at the top (a missing subject,
            say, or an unverified sender domain). The preview shows the mailing as a chosen recipient sees it; a test goes
            to up to five addresses. Then send at once or schedule a time; a schedule can be called off until it
            starts.</li>
          <li><strong>Report:</strong> delivered, deferred, bounced, opened, clicked, unsubscribed – hits by virus
            scanners and image proxies are counted apart. Correct undeliverable addresses right in the report and send
            the mailing to them again; the contact gets the new address. Every recipient has a timeline, and the report
            can be downloaded as an Excel file.</li>
        </ol>
        <h2>Suppression list</h2>
        <p>No mailing goes to addresses and domains on the suppression list. Unsubscribes, permanently undeliverable
          addresses and complaints are added by themselves; anyone may add an entry, only administrators may lift one.</p>
        <h2>Mediacenter</h2>
        <p>Press photos, logos and documents are kept per client, in folders. Upload files into an open folder (up to
          100 MB each), download, rename, attach them to contacts or to mailings. For clients you may only read, files
          can be viewed and downloaded.</p>
      </>
    ),
  },
};
