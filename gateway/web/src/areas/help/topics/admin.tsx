import type { HelpTopic } from "../topic";

export const topic: HelpTopic = {
  id: "administration",
  order: 20,
  paths: ["/admin"],
  title: { de: "Administration: Benutzer, Mandanten, Rechte", en: "Administration: users, clients, rights" },
  body: {
    de: () => (
      <>
        <h2>Benutzer und Lizenzen</h2>
        <p>Jeder aktive Benutzer belegt eine Lizenz (Named User). Sie können beliebig viele Benutzer anlegen; aktivieren
          lassen sich nur so viele, wie Lizenzen gebucht sind. Ist keine frei, sagt Pressroom das beim Aktivieren, und der
          Lizenzmanager kann unter „Abonnement“ weitere buchen. Deaktivieren beendet die Sitzungen des Benutzers sofort und
          gibt die Lizenz frei.</p>
        <p>Lizenzmanager und Administrator gibt es je genau einmal (es kann dieselbe Person sein). Bevor einer von beiden
          gehen kann, übergeben Sie seine Rolle unter „Rolle übergeben“ an einen anderen aktiven Benutzer.</p>
        <h2>Mandanten und Rechte</h2>
        <p>Mandanten trennen Daten: Geschäftsbereiche, Tochterfirmen, bei Agenturen die Kunden. Jeder Benutzer hat je Mandant
          eines von drei Rechten:</p>
        <ul>
          <li><strong>Vollzugriff</strong>: Kontakte, Listen und Mailings sehen und ändern.</li>
          <li><strong>Nur lesen</strong>: alles sehen, nichts ändern; der Mandant ist als „Nur lesen“ markiert.</li>
          <li><strong>Verborgen</strong>: der Mandant existiert für diesen Benutzer nicht.</li>
        </ul>
        <p>Änderungen der Rechte gelten ab der nächsten Anfrage des Benutzers, ohne dass er sich neu anmelden muss.</p>
        <h2>Sicherheit</h2>
        <p>Unter „Sicherheit“ legen Sie Mindest- und Höchstlänge der Passwörter fest, einen regelmäßigen Wechsel (nicht
          empfohlen: lange, einmalige Passwörter sind sicherer als oft gewechselte), ob alle einen zweiten Faktor brauchen,
          und wie lange Sitzungen dauern dürfen. Das Protokoll zeigt Anmeldungen, Fehlversuche und jede Änderung an
          Benutzern und Rechten; filtern Sie nach Ereignis, Benutzer und Zeitraum.</p>
      </>
    ),
    en: () => (
      <>
        <h2>Users and licences</h2>
        <p>Every active user takes one licence (named user). You may create as many users as you like; only as many can be
          active as licences are booked. If none is free, Pressroom says so when you activate, and the license manager can
          book more under "Subscription". Deactivating ends the user's sessions at once and frees the licence.</p>
        <p>There is exactly one license manager and one administrator (they may be the same person). Before either can
          leave, hand their role to another active user under "Hand over a role".</p>
        <h2>Clients and rights</h2>
        <p>Clients keep data apart: business areas, subsidiaries, an agency's customers. Each user has one of three rights
          per client:</p>
        <ul>
          <li><strong>Full access</strong>: see and change contacts, lists and mailings.</li>
          <li><strong>Read only</strong>: see everything, change nothing; the client is marked "Read only".</li>
          <li><strong>Hidden</strong>: the client does not exist for that user.</li>
        </ul>
        <p>Changed rights apply from the user's next request; nobody needs to log in again.</p>
        <h2>Security</h2>
        <p>Under "Security" you set the minimum and maximum password length, a regular change (not recommended: long, unique
          passwords are safer than often-changed ones), whether everyone needs a second factor, and how long sessions may
          last. The audit log shows logins, failed attempts and every change to users and rights; filter it by event, user
          and period.</p>
      </>
    ),
  },
};
