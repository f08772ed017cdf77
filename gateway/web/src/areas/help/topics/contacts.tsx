import type { HelpTopic } from "../topic";

export const topic: HelpTopic = {
  id: "contacts",
  order: 10,
  paths: ["/contacts", "/lists"],
  title: { de: "Kontakte, Verteiler und Import", en: "Contacts, distribution lists and import" },
  body: {
    de: () => (
      <>
        <h2>Kontakte und Mandanten</h2>
        <p>Jeder Kontakt (Person oder Organisation) gehört zu einem Mandanten. Sie sehen die Mandanten, auf die Sie Rechte
          haben: bei „Nur lesen“ steht das am Kontakt, und es gibt dort nichts zu ändern; verborgene Mandanten erscheinen
          gar nicht. Neue Kontakte legen Sie in einem Mandanten mit Vollzugriff an. Die Briefanrede entsteht aus Anrede,
          Titel und Name (auch in der Du-Form), eine eigene ersetzt sie.</p>
        <p>Die Suche findet Namen, Organisationen, E-Mail-Adressen und Orte; Umlaute sind egal („Mueller“ findet
          „Müller“). Filter und Suchbegriff stehen in der Adresse der Seite. Gewählte Kontakte nehmen Sie in einen
          Verteiler auf, laden sie zu einer Veranstaltung ein oder exportieren sie nach Excel.</p>
        <h2>Verlauf</h2>
        <p>Notizen, Telefonate und Treffen tragen Sie am Kontakt ein. Mailings und – wenn Ihr Postfach unter
          „E-Mail-Archiv“ verbunden ist – E-Mails von und an den Kontakt erscheinen von selbst.</p>
        <h2>Verteiler</h2>
        <p>Ein <strong>statischer</strong> Verteiler enthält die Kontakte, die Sie hinzufügen; ein <strong>dynamischer</strong>{" "}
          speichert einen Filter und enthält immer die Kontakte, auf die er gerade passt („Als dynamischen Verteiler
          speichern“ auf der Suche). Beide lassen sich nach Excel exportieren: mit Briefanrede und Adressblock für den
          Serienbrief.</p>
        <h2>Veranstaltungen</h2>
        <p>Zu jeder Veranstaltung führen Sie die Teilnehmenden mit ihrem Status: eingeladen, angemeldet, abgesagt,
          teilgenommen. Ein Klick auf eine Zahl zeigt nur diesen Status; der Export nimmt dann nur diese Liste.</p>
        <h2>Import aus Excel oder CSV</h2>
        <ol>
          <li>Datei hochladen (.xlsx oder CSV, höchstens 50 MB).</li>
          <li>Tabellenblatt, Kopfzeile und die Zuordnung der Spalten prüfen: Pressroom erkennt übliche Überschriften wie
            Anrede, Vorname, Nachname, Firma, E-Mail, PLZ, Ort; jede Spalte lässt sich ändern oder ignorieren.</li>
          <li>Mandant, optional einen Verteiler (auch einen neuen) und den Umgang mit schon vorhandenen E-Mail-Adressen
            wählen und den <strong>Probelauf</strong> starten: er speichert nichts und zeigt jede Zeile mit Ergebnis und
            Grund (etwa eine ungültige E-Mail-Adresse oder eine doppelte Zeile, mit Zeilennummer).</li>
          <li><strong>Jetzt importieren</strong>: der Import läuft im Hintergrund; am Ende stehen die Zahlen und der Bericht
            je Zeile. Ein zweiter Lauf derselben Datei legt nichts doppelt an.</li>
        </ol>
        <h2>Dubletten</h2>
        <p>Unter „Dubletten“ stehen Kontakte eines Mandanten mit gleicher E-Mail-Adresse oder ähnlichem Namen bei gleicher
          Organisation. Beim Zusammenführen wandern Adressen, Verlauf, Verteiler, Veranstaltungen und Dateien zum
          behaltenen Kontakt.</p>
      </>
    ),
    en: () => (
      <>
        <h2>Contacts and clients</h2>
        <p>Every contact (a person or an organisation) belongs to a client. You see the clients you have rights on: with
          "read only" the contact says so and offers nothing to change; hidden clients do not appear at all. New contacts go
          into a client with full access. The letter salutation is made from salutation, title and name (also informal);
          one of your own replaces it.</p>
        <p>The search finds names, organisations, e-mail addresses and places; umlauts don't matter ("Mueller" finds
          "Müller"). Filters and search term are kept in the page's address. Chosen contacts can be added to a list,
          invited to an event or exported to Excel.</p>
        <h2>History</h2>
        <p>Write notes, calls and meetings on the contact. Mailings and, once your mailbox is connected under "E-mail
          archive", e-mails from and to the contact appear by themselves.</p>
        <h2>Distribution lists</h2>
        <p>A <strong>static</strong> list holds the contacts you add; a <strong>dynamic</strong> one stores a filter and
          always holds the contacts it matches right now ("Save as dynamic list" on the search). Both export to Excel, with
          letter salutation and address block for a mail merge.</p>
        <h2>Events</h2>
        <p>Every event keeps its participants with their status: invited, registered, declined, attended. A click on a
          count shows only that status; the export then takes only that list.</p>
        <h2>Import from Excel or CSV</h2>
        <ol>
          <li>Upload the file (.xlsx or CSV, at most 50 MB).</li>
          <li>Check sheet, header row and the column mapping: Pressroom recognises the usual headings (salutation, first
            name, last name, company, e-mail, postcode, city, in German or English); every column can be changed or
            ignored.</li>
          <li>Choose the client, optionally a list (also a new one) and what happens with e-mail addresses that already
            exist, then start the <strong>dry run</strong>: it saves nothing and shows every row with its outcome and reason
            (an invalid e-mail address, a duplicate row, with its row number).</li>
          <li><strong>Import now</strong>: the import runs in the background; at the end you see the counts and the report
            per row. Importing the same file again creates nothing twice.</li>
        </ol>
        <h2>Duplicates</h2>
        <p>"Duplicates" lists contacts of a client with the same e-mail address or a similar name at the same organisation.
          Merging moves addresses, history, lists, events and files to the contact kept.</p>
      </>
    ),
  },
};
