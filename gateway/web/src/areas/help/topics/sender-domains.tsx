import type { HelpTopic } from "../topic";

/** The guide to authenticating a sender domain. Record names and values match what dispatch generates
 * (services/dispatch/dispatch/domain/dkim.py: selectors pr<yyyymm>r / pr<yyyymm>e, SPF include, DMARC p=none). */
export const topic: HelpTopic = {
  id: "sender-domains",
  order: 40,
  paths: ["/mailings/senders", "/admin/senders", "/admin/domains"],
  title: { de: "Absenderdomain authentifizieren: SPF, DKIM, DMARC", en: "Authenticating a sender domain: SPF, DKIM, DMARC" },
  body: {
    de: () => (
      <>
        <p>Damit Ihre Pressemitteilungen im Posteingang ankommen und nicht im Spam, müssen empfangende Server prüfen können,
          dass Pressroom in Ihrem Namen senden darf. Gmail, Yahoo, Microsoft und viele Redaktionsserver verlangen das von
          Massenversendern inzwischen ausdrücklich. Dafür veröffentlichen Sie in der DNS-Zone Ihrer Domain einige
          TXT-Einträge. Das dauert etwa eine Viertelstunde; meist erledigt es Ihre IT oder Ihr Hoster.</p>

        <h2>1. Domain anlegen</h2>
        <p>Legen Sie als Administrator die Absenderdomain an, zum Beispiel <code>presse.beispiel.de</code> (eine eigene
          Subdomain für Pressemails ist empfehlenswert: ihr Ruf bleibt getrennt von dem Ihrer übrigen Mails). Pressroom
          erzeugt dabei die Schlüssel und zeigt Ihnen genau die Einträge, die Sie veröffentlichen müssen, zum Kopieren.</p>

        <h2>2. DKIM: die digitale Unterschrift (Pflicht)</h2>
        <p>Pressroom unterschreibt jede Mail mit einem geheimen Schlüssel. Den passenden öffentlichen Schlüssel
          veröffentlichen Sie unter einem „Selektor“; der empfangende Server holt ihn dort ab und prüft, dass die Mail
          unterwegs nicht verändert wurde und wirklich von Ihrer Domain stammt. Sie bekommen zwei Einträge:</p>
        <pre><code>{`pr202611r._domainkey.presse.beispiel.de.  TXT  "v=DKIM1; k=rsa; p=MIIBIjANBgkq…"
pr202611e._domainkey.presse.beispiel.de.  TXT  "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7h…"`}</code></pre>
        <ul>
          <li>Der RSA-Eintrag ist Pflicht, der Ed25519-Eintrag empfohlen (moderner, noch nicht von allen Servern geprüft).</li>
          <li>Der RSA-Schlüssel ist länger als 255 Zeichen. Viele DNS-Oberflächen teilen ihn selbst; sonst tragen Sie ihn
            als mehrere Zeichenketten in Anführungszeichen ein, so wie Pressroom sie anzeigt. Nichts darf dazwischen fehlen.</li>
          <li>Manche Oberflächen hängen den Domainnamen selbst an: Tragen Sie dann als Namen nur{" "}
            <code>pr202611r._domainkey</code> ein.</li>
        </ul>

        <h2>3. SPF: wer senden darf</h2>
        <p>SPF nennt die Server, die Mails für Ihre Domain verschicken dürfen. Hat die Domain noch keinen SPF-Eintrag, legen
          Sie diesen an:</p>
        <pre><code>{`presse.beispiel.de.  TXT  "v=spf1 include:spf.pressroom.example ~all"`}</code></pre>
        <p>Hat sie schon einen (etwa für Ihr Büro-Mailsystem), legen Sie <strong>keinen zweiten</strong> an: zwei
          SPF-Einträge machen beide ungültig. Fügen Sie stattdessen den <code>include:</code>-Teil, den Pressroom anzeigt, in
          den bestehenden Eintrag ein, vor dem abschließenden <code>~all</code> oder <code>-all</code>. Ein SPF-Eintrag darf
          höchstens zehn DNS-Abfragen auslösen; jedes <code>include</code> zählt mit.</p>
        <p>Pressroom verschickt mit einer eigenen Rücklaufadresse (für Unzustellbarkeitsmeldungen). SPF allein passt
          deshalb nicht zu Ihrer Absenderadresse; für DMARC zählt daher vor allem DKIM.</p>

        <h2>4. DMARC: was bei Fehlern geschehen soll</h2>
        <p>DMARC sagt empfangenden Servern, wie sie mit Mails umgehen sollen, die sich auf Ihre Domain berufen, aber weder
          eine passende DKIM-Unterschrift noch ein passendes SPF haben, und wohin sie Berichte schicken. Beginnen Sie mit
          der Beobachtung:</p>
        <pre><code>{`_dmarc.presse.beispiel.de.  TXT  "v=DMARC1; p=none; rua=mailto:dmarc@presse.beispiel.de; adkim=r; aspf=r"`}</code></pre>
        <ul>
          <li><code>p=none</code>: nur berichten, nichts abweisen. Lesen Sie zwei bis vier Wochen lang die Berichte an die{" "}
            <code>rua</code>-Adresse (dafür gibt es kostenlose Auswertungsdienste).</li>
          <li>Wenn alle legitimen Absender Ihrer Domain bestehen, verschärfen Sie auf <code>p=quarantine</code> (Spam-Ordner)
            und später <code>p=reject</code> (abweisen). Das schützt Ihre Domain davor, dass Fremde in Ihrem Namen Mails
            fälschen.</li>
          <li>Gibt es für die Hauptdomain schon einen DMARC-Eintrag, gilt er auch für Subdomains, solange diese keinen
            eigenen haben.</li>
        </ul>

        <h2>5. Prüfen lassen</h2>
        <p>Klicken Sie nach dem Eintragen bei der Domain auf „Prüfen“. Pressroom fragt das DNS ab und zeigt für jeden
          Eintrag, ob er gefunden wurde und stimmt. DNS-Änderungen brauchen je nach TTL einige Minuten bis wenige Stunden,
          bis sie überall sichtbar sind; prüfen Sie dann erneut. Erst eine geprüfte Domain sendet mit Ihrer
          DKIM-Unterschrift.</p>

        <h2>Häufige Fehler</h2>
        <ul>
          <li>Der Name doppelt: <code>pr202611r._domainkey.presse.beispiel.de.presse.beispiel.de</code>, weil die
            Oberfläche den Domainnamen selbst anhängt.</li>
          <li>Ein abgeschnittener DKIM-Schlüssel (ein Teil der aufgeteilten Zeichenketten fehlt).</li>
          <li>Zwei SPF-Einträge auf derselben Domain.</li>
          <li>Ein CNAME auf dem Namen, der den TXT-Eintrag verdeckt.</li>
        </ul>
      </>
    ),
    en: () => (
      <>
        <p>For your press releases to reach the inbox rather than the spam folder, receiving servers must be able to check
          that Pressroom may send on your behalf. Gmail, Yahoo, Microsoft and many newsroom servers now explicitly require
          this of bulk senders. You publish a few TXT records in your domain's DNS zone. It takes about a quarter of an hour;
          usually your IT or your hosting provider does it.</p>

        <h2>1. Add the domain</h2>
        <p>As the administrator, add the sender domain, for example <code>press.example.com</code> (a subdomain of its own for
          press mail is a good idea: its reputation stays apart from your other mail). Pressroom creates the keys and shows
          you exactly the records to publish, ready to copy.</p>

        <h2>2. DKIM: the digital signature (required)</h2>
        <p>Pressroom signs every mail with a secret key. You publish the matching public key under a "selector"; the
          receiving server fetches it there and checks that the mail was not changed on the way and really comes from your
          domain. You get two records:</p>
        <pre><code>{`pr202611r._domainkey.press.example.com.  TXT  "v=DKIM1; k=rsa; p=MIIBIjANBgkq…"
pr202611e._domainkey.press.example.com.  TXT  "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7h…"`}</code></pre>
        <ul>
          <li>The RSA record is required, the Ed25519 record recommended (more modern, not yet checked by every server).</li>
          <li>The RSA key is longer than 255 characters. Many DNS editors split it themselves; otherwise enter it as several
            quoted strings, exactly as Pressroom shows them. Nothing may be missing in between.</li>
          <li>Some editors append the domain name themselves: then enter only <code>pr202611r._domainkey</code> as the name.</li>
        </ul>

        <h2>3. SPF: who may send</h2>
        <p>SPF names the servers allowed to send mail for your domain. If the domain has no SPF record yet, add this one:</p>
        <pre><code>{`press.example.com.  TXT  "v=spf1 include:spf.pressroom.example ~all"`}</code></pre>
        <p>If it already has one (for your office mail, say), do <strong>not</strong> add a second: two SPF records make both
          invalid. Add the <code>include:</code> part Pressroom shows to the existing record instead, before the final{" "}
          <code>~all</code> or <code>-all</code>. An SPF record may cause at most ten DNS lookups; every <code>include</code>{" "}
          counts.</p>
        <p>Pressroom sends with a return address of its own (for bounce messages). SPF alone therefore does not match your
          From address; for DMARC, DKIM is what counts most.</p>

        <h2>4. DMARC: what should happen on failure</h2>
        <p>DMARC tells receiving servers how to treat mail that claims your domain but has neither a matching DKIM signature
          nor a matching SPF result, and where to send reports. Start by observing:</p>
        <pre><code>{`_dmarc.press.example.com.  TXT  "v=DMARC1; p=none; rua=mailto:dmarc@press.example.com; adkim=r; aspf=r"`}</code></pre>
        <ul>
          <li><code>p=none</code>: report only, reject nothing. Read the reports sent to the <code>rua</code> address for two to
            four weeks (free report analysers exist).</li>
          <li>Once every legitimate sender of your domain passes, tighten to <code>p=quarantine</code> (spam folder) and later{" "}
            <code>p=reject</code>. That protects your domain from others forging mail in your name.</li>
          <li>A DMARC record on the main domain also covers subdomains that have none of their own.</li>
        </ul>

        <h2>5. Have it checked</h2>
        <p>After publishing, click "Check" at the domain. Pressroom queries the DNS and shows for each record whether it was
          found and is right. Depending on the TTL, DNS changes take a few minutes to a few hours to be visible everywhere;
          check again then. Only a verified domain sends with your DKIM signature.</p>

        <h2>Common mistakes</h2>
        <ul>
          <li>The name doubled: <code>pr202611r._domainkey.press.example.com.press.example.com</code>, because the editor
            appends the domain itself.</li>
          <li>A truncated DKIM key (one of the split strings is missing).</li>
          <li>Two SPF records on the same domain.</li>
          <li>A CNAME on the name that hides the TXT record.</li>
        </ul>
      </>
    ),
  },
};
