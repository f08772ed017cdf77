import type { HelpTopic } from "../topic";

export const topic: HelpTopic = {
  id: "pressbase",
  order: 35,
  paths: ["/pressbase"],
  title: { de: "Pressbase: Journalisten und Medien finden", en: "Pressbase: finding journalists and outlets" },
  body: {
    de: () => (
      <>
        <h2>Suchen und filtern</h2>
        <p>Suchen Sie Journalisten oder Medien nach Name, Position, Ressort, Thema, Medium oder Ort. Umlaute und kleine
          Tippfehler sind kein Problem; „Wort-Gruppen“ in Anführungszeichen suchen genau diese Folge, ein Minus vor einem
          Wort schließt es aus. Links stehen die Filter mit der Zahl der Treffer je Wert: mehrere Werte eines Filters
          erweitern die Suche, Filter untereinander schränken sie ein. Ein Thema schließt seine Unterthemen ein. Bei sehr
          vielen Treffern sind die Zahlen aus einer Stichprobe geschätzt und als „geschätzt“ markiert.</p>
        <p>Die ganze Suche steht in der Adresse der Seite: Zurück, Neu laden und Lesezeichen behalten sie.</p>
        <h2>Auswahlen</h2>
        <p>Eine <strong>gespeicherte Suche</strong> liefert immer die aktuellen Treffer; eine <strong>Liste</strong> enthält
          genau die Datensätze, die Sie hinzugefügt haben. Beide verwenden Sie im Mailing als Empfänger
          („Pressbase-Auswahl“); „Empfänger prüfen“ zeigt vorab, wie viele Adressen sie liefern. Eine Auswahl kann auf
          einen Mandanten beschränkt sein: dann sehen sie nur Benutzer mit Rechten darauf.</p>
        <h2>In Kontakte übernehmen</h2>
        <p>Gewählte Journalisten legen Sie als Kontakte eines Mandanten an, auf den Sie Vollzugriff haben (kostenlos).
          Ändert sich der Pressbase-Eintrag später, zeigt „Änderungen seit Übernahme“ Feld für Feld, was neu ist; Sie
          entscheiden, welche Änderungen in Ihre Kontakte übernommen werden.</p>
        <h2>Themenpläne und Export</h2>
        <p>Themenpläne (was Redaktionen für kommende Ausgaben planen, mit Einsendeschluss) und der Excel-Export sind
          Zusatzmodule, die der Lizenzmanager unter „Abonnement“ bucht; in der Startphase gibt es sie nicht. Fehlt eines,
          sagt die Seite warum. Exportdateien stehen 7 Tage unter „Exporte“ bereit.</p>
      </>
    ),
    en: () => (
      <>
        <h2>Searching and filtering</h2>
        <p>Search journalists or outlets by name, position, desk, topic, outlet or place. Umlauts and small typos are fine;
          "phrases" in quotes find exactly that sequence, a minus before a word excludes it. The filters on the left show
          how many results each value has: several values of one filter widen the search, different filters narrow it. A
          topic includes its subtopics. With very many results the counts are estimated from a sample and marked
          "estimated".</p>
        <p>The whole search is in the page's address: back, reload and bookmarks keep it.</p>
        <h2>Selections</h2>
        <p>A <strong>saved search</strong> always yields its current results; a <strong>list</strong> holds exactly the
          records you added. Use either as mailing recipients ("Pressbase selection"); "Check recipients" tells you
          beforehand how many addresses they yield. A selection may be limited to a client: then only users with rights on
          it see it.</p>
        <h2>Transfer into contacts</h2>
        <p>Chosen journalists become contacts of a client you have full access to (free of charge). When their pressbase
          record changes later, "Changes since transfer" shows what is new, field by field; you decide which changes go into
          your contacts.</p>
        <h2>Editorial calendars and export</h2>
        <p>Editorial calendars (what newsrooms plan for coming issues, with submission deadlines) and the Excel export are
          add-ons the license manager books under "Subscription"; the starting phase has neither. Where one is missing, the
          page says why. Export files are kept for 7 days under "Exports".</p>
      </>
    ),
  },
};
