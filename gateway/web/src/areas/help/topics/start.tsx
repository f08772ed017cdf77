import { Link } from "react-router-dom";
import type { HelpTopic } from "../topic";

export const topic: HelpTopic = {
  id: "start",
  order: 0,
  paths: ["/", "/login", "/password"],
  title: { de: "Erste Schritte und Anmeldung", en: "Getting started and logging in" },
  body: {
    de: () => (
      <>
        <h2>Anmelden</h2>
        <p>Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an. Verlangt Ihr Konto einen zweiten Faktor, fragen
          wir danach einen sechsstelligen Code ab: aus der E-Mail, die wir Ihnen sofort schicken (gültig 10 Minuten), oder
          aus Ihrer Authenticator-App. Einen Notfallcode können Sie statt des Codes eingeben.</p>
        <p>Beim ersten Mal kommen Sie mit dem Einmal-Passwort aus der Einladung herein und legen gleich ein eigenes Passwort
          fest. Dasselbe gilt, wenn Ihr Administrator einen regelmäßigen Passwortwechsel vorschreibt und Ihr Passwort
          abgelaufen ist.</p>
        <h2>Passwort vergessen</h2>
        <p>Unter <Link to="/password/forgot">Passwort vergessen</Link> schicken wir Ihnen ein Einmal-Passwort (15 Minuten
          gültig). Damit legen Sie ein neues Passwort fest; alle Ihre Sitzungen enden dabei.</p>
        <h2>Sprache</h2>
        <p>Oben rechts wechseln Sie zwischen Deutsch (DE) und Englisch (EN). Angemeldet merken wir uns Ihre Wahl in Ihrem
          Benutzerkonto, auch E-Mails an Sie kommen dann in dieser Sprache.</p>
        <h2>Die Übersicht</h2>
        <p>Die Startseite zeigt den belegten Speicher, die in diesem Monat und insgesamt versandten Mails, den Stand Ihres
          Abonnements und Ihre Mandanten mit Ihrem Recht darauf (Vollzugriff oder Nur lesen).</p>
        <h2>Wenn etwas nicht geht</h2>
        <p>Auf der <Link to="/status">Statusseite</Link> sehen Sie ohne Anmeldung, ob alle Teile von Pressroom arbeiten, und
          unsere Meldungen zu Störungen.</p>
      </>
    ),
    en: () => (
      <>
        <h2>Logging in</h2>
        <p>Log in with your e-mail address and password. If your account requires a second factor, we then ask for a
          six-digit code: from the e-mail we send you at once (valid for 10 minutes), or from your authenticator app. You
          can enter a backup code instead.</p>
        <p>The first time, you come in with the one-time password from the invitation and set a password of your own right
          away. The same happens when your administrator requires regular password changes and yours has expired.</p>
        <h2>Forgot your password</h2>
        <p>Under <Link to="/password/forgot">Forgot password</Link> we send you a one-time password (valid for 15 minutes).
          Use it to set a new password; all your sessions end.</p>
        <h2>Language</h2>
        <p>Switch between German (DE) and English (EN) at the top right. When you are logged in we keep your choice in your
          user account, and e-mails to you use that language too.</p>
        <h2>The overview</h2>
        <p>The start page shows the storage used, the mails sent this month and in total, your subscription's state and your
          clients with your right on each (full access or read only).</p>
        <h2>When something does not work</h2>
        <p>The <Link to="/status">status page</Link> shows without logging in whether every part of Pressroom works, and our
          notes on incidents.</p>
      </>
    ),
  },
};
