"""dispatch's named SQL queries: the set-based, reporting and long statements of the use cases and the engine.

The rule (docs/architecture.md, "Inside a service"): ORM ``select()`` and the models for reads and writes of one
aggregate; SQL ``text()`` for set-based, reporting or long statements (claims with ``FOR UPDATE SKIP LOCKED``, bulk
updates with ``RETURNING``, CTEs, aggregates over deliveries and events), kept here under a name, in the manner of
listmonk's queries.sql, so the SQL of the service can be read (and reviewed) in one place. A short one-line
statement may stay next to its only caller. Every value is a bound parameter (``:name``); nothing is formatted into
the SQL.
"""

from __future__ import annotations

from sqlalchemy import text

# --- the engine (engine/store.py, engine/compose.py) ----------------------------------------------------------------

# Claim up to :n due deliveries for :worker (lanes in order: transactional and premium before standard), leasing them
# until :lease; the attempt is committed before anything is sent (a row claimed back from a dead worker is in doubt).
CLAIM = text("""
WITH due AS (
    SELECT d.id, d.state AS old_state
    FROM deliveries d
    WHERE d.state IN ('queued', 'deferred', 'sending')
      AND d.next_attempt_at <= :now
      AND (d.state <> 'sending' OR d.lease_until < :now)
      AND (d.lane < 2 OR NOT EXISTS (
            SELECT 1 FROM deliveries p
            WHERE p.lane < 2 AND p.state IN ('queued', 'deferred') AND p.next_attempt_at <= :now))
    ORDER BY d.lane, d.next_attempt_at, d.id
    LIMIT :n
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE deliveries d
SET state = 'sending', lease_until = :lease, leased_by = :worker, attempts = d.attempts + 1,
    first_attempt_at = COALESCE(d.first_attempt_at, :now),
    in_doubt = d.in_doubt OR due.old_state = 'sending',
    message_id = COALESCE(d.message_id,
                          '<' || d.id || '.' || substr(md5(random()::text), 1, 12) || '@' || :msgid_domain || '>')
FROM due
WHERE d.id = due.id
RETURNING d.id, d.account_id, d.mailing_id, d.lane, d.email, d.domain, d.contact_id, d.recipient, d.attempts,
          d.first_attempt_at, d.message_id, d.in_doubt
""")

# The outcomes of a claimed row (:id, still leased by :worker): the row and its timeline event in one round trip.
MARK_SENT = text("""
WITH u AS (
    UPDATE deliveries SET state = 'sent', sent_at = :now, final_at = :now, last_code = :code,
           last_reply = :reply, size = :size, lease_until = NULL, in_doubt = false
    WHERE id = :id AND state = 'sending' AND leased_by = :worker
    RETURNING id, mailing_id)
INSERT INTO delivery_events (delivery_id, mailing_id, kind, at, detail)
SELECT id, mailing_id, 'sent', :now, CAST(:detail AS jsonb) FROM u
""")

MARK_DEFERRED = text("""
WITH u AS (
    UPDATE deliveries SET state = 'deferred', next_attempt_at = :next, last_code = :code, last_reply = :reply,
           lease_until = NULL, in_doubt = :doubt
    WHERE id = :id AND state = 'sending' AND leased_by = :worker
    RETURNING id, mailing_id)
INSERT INTO delivery_events (delivery_id, mailing_id, kind, at, detail)
SELECT id, mailing_id, 'deferred', :now, CAST(:detail AS jsonb) FROM u
""")

MARK_FAILED = text("""
UPDATE deliveries SET state = 'failed', final_at = :now, last_code = :code, last_reply = :reply,
       bounce = :bounce, lease_until = NULL, in_doubt = false
WHERE id = :id AND state = 'sending' AND leased_by = :worker
""")

# Give a claimed row back untouched (its domain is over its rate): the attempt does not count.
RELEASE = text("""
UPDATE deliveries SET state = CASE WHEN attempts > 1 THEN 'deferred' ELSE 'queued' END,
       attempts = attempts - 1, first_attempt_at = CASE WHEN attempts > 1 THEN first_attempt_at END,
       next_attempt_at = :next, lease_until = NULL
WHERE id = :id AND state = 'sending' AND leased_by = :worker
""")

# A mailing as the composer needs it (:id), with its sender account.
MAILING_FOR_SENDING = text("""
SELECT m.id, m.account_id, m.subject, m.html, m.text_body, m.lane, m.language,
       s.from_name, s.from_address, s.reply_to, s.domain_id,
       COALESCE(m.track_opens, a.track_opens, true) AS track_opens,
       COALESCE(m.track_clicks, a.track_clicks, true) AS track_clicks
FROM mailings m LEFT JOIN sender_accounts s ON s.id = m.sender_id
     LEFT JOIN account_settings a ON a.account_id = m.account_id
WHERE m.id = :id
""")

# --- housekeeping (usecases/housekeeping.py) ------------------------------------------------------------------------

# Scheduled mailings whose time has come (:now) start sending.
START_DUE = text("UPDATE mailings SET state = 'sending' WHERE state = 'scheduled' AND scheduled_at <= :now")

# Sending mailings with nothing left to send, locked (several processes share the work).
FINISHED_MAILINGS = text("""
SELECT m.id, m.account_id, m.subject FROM mailings m
WHERE m.state = 'sending'
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.mailing_id = m.id
                  AND d.state IN ('queued', 'sending', 'deferred'))
FOR UPDATE OF m SKIP LOCKED
""")

# The next :n outcomes of mailing :m not yet reported to crm, marked reported.
REPORT_OUTCOMES = text("""
UPDATE deliveries SET reported = true WHERE id IN (
    SELECT id FROM deliveries WHERE mailing_id = :m AND NOT reported
      AND state IN ('sent', 'bounced') ORDER BY id LIMIT :n)
RETURNING contact_id, email, sent_at
""")

# The next :n sent mails not yet metered, marked with usage batch :b.
METER_SENT = text("""
UPDATE deliveries SET usage_batch = :b WHERE id IN (
    SELECT id FROM deliveries WHERE state = 'sent' AND usage_batch IS NULL ORDER BY id LIMIT :n
    FOR UPDATE SKIP LOCKED)
RETURNING account_id, lane, size
""")

# --- reports (usecases/reports.py) ----------------------------------------------------------------------------------

# The figures of mailing :m: deliveries by state, and engagement (machines counted apart).
DELIVERY_COUNTS = text("""
SELECT count(*) AS total,
       count(*) FILTER (WHERE state IN ('sent', 'bounced')) AS sent,
       count(*) FILTER (WHERE state = 'sent') AS delivered,
       count(*) FILTER (WHERE state = 'deferred') AS deferred,
       count(*) FILTER (WHERE state IN ('queued', 'sending')) AS queued,
       count(*) FILTER (WHERE state IN ('failed', 'bounced') AND bounce = 'hard') AS bounced_hard,
       count(*) FILTER (WHERE state IN ('failed', 'bounced') AND bounce = 'soft') AS bounced_soft,
       count(*) FILTER (WHERE state = 'cancelled') AS cancelled
FROM deliveries WHERE mailing_id = :m
""")

ENGAGEMENT = text("""
SELECT count(DISTINCT delivery_id) FILTER (WHERE kind = 'opened' AND NOT machine) AS opened,
       count(DISTINCT delivery_id) FILTER (WHERE kind = 'clicked' AND NOT machine) AS clicked,
       count(DISTINCT delivery_id) FILTER (WHERE kind = 'unsubscribed') AS unsubscribed,
       count(*) FILTER (WHERE kind = 'opened' AND machine) AS machine_opens,
       count(*) FILTER (WHERE kind = 'clicked' AND machine) AS machine_clicks,
       count(*) FILTER (WHERE kind = 'opened' AND NOT machine) AS opens_total,
       count(*) FILTER (WHERE kind = 'clicked' AND NOT machine) AS clicks_total,
       count(DISTINCT delivery_id) FILTER (WHERE kind = 'complaint') AS complaints
FROM delivery_events WHERE mailing_id = :m
""")

# mailing :m's figures per recipient domain (summed per provider by dispatch.domain.providers.by_provider)
PROVIDER_FIGURES = text("""
SELECT d.domain,
       count(*) FILTER (WHERE d.state = 'sent') AS delivered,
       count(*) FILTER (WHERE d.state = 'deferred') AS deferred,
       count(*) FILTER (WHERE d.state IN ('failed', 'bounced') AND d.bounce IS NOT NULL) AS bounced,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM delivery_events e
                                      WHERE e.delivery_id = d.id AND e.kind = 'complaint')) AS complaints
FROM deliveries d WHERE d.mailing_id = :m GROUP BY d.domain
""")

# the sending domain of mailing :m (through its sender account) and its last sender-side bounce reason
MAILING_SENDER_ISSUE = text("""
SELECT sd.domain, sd.sender_issue, sd.sender_issue_at
FROM mailings m JOIN sender_accounts sa ON sa.id = m.sender_id JOIN sender_domains sd ON sd.id = sa.domain_id
WHERE m.id = :m
""")

# per sending domain (:ids) the mails sent since :since from its mailings and how many of them drew a complaint
DOMAIN_COMPLAINTS = text("""
SELECT sa.domain_id,
       count(*) AS sent,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM delivery_events e
                                      WHERE e.delivery_id = d.id AND e.kind = 'complaint')) AS complaints
FROM deliveries d JOIN mailings m ON m.id = d.mailing_id JOIN sender_accounts sa ON sa.id = m.sender_id
WHERE sa.domain_id = ANY(CAST(:ids AS uuid[])) AND d.sent_at >= :since
GROUP BY sa.domain_id
""")

# A page of mailing :m's recipients after delivery id :after (:limit rows), optionally of one :state and with an
# address matching the LIKE pattern :q (escaped with a backslash); both filters are off when NULL.
RECIPIENTS_PAGE = text("""
SELECT d.id, d.email, d.contact_id, d.state, d.bounce, d.attempts, d.last_code, d.last_reply, d.sent_at,
       d.final_at, d.next_attempt_at,
       (SELECT count(*) FROM delivery_events e WHERE e.delivery_id = d.id AND e.kind = 'opened'
         AND NOT e.machine) AS opens,
       (SELECT count(*) FROM delivery_events e WHERE e.delivery_id = d.id AND e.kind = 'clicked'
         AND NOT e.machine) AS clicks
FROM deliveries d
WHERE d.mailing_id = :m AND d.id > :after
  AND (CAST(:state AS text) IS NULL OR d.state = CAST(:state AS text))
  AND (CAST(:q AS text) IS NULL OR d.email ILIKE CAST(:q AS text) ESCAPE '\\')
ORDER BY d.id LIMIT :limit
""")

# The export's rows: :n recipients of mailing :m after delivery id :after, with their opens, clicks and unsubscribe.
EXPORT_ROWS = text("""
SELECT d.id, d.email, d.state, d.bounce, d.attempts, d.last_code, d.last_reply, d.sent_at,
       concat_ws(' ', d.recipient->>'first_name', d.recipient->>'last_name') AS name,
       count(e.id) FILTER (WHERE e.kind = 'opened' AND NOT e.machine) AS opens,
       count(e.id) FILTER (WHERE e.kind = 'clicked' AND NOT e.machine) AS clicks,
       bool_or(e.kind = 'unsubscribed') AS unsub
FROM deliveries d LEFT JOIN delivery_events e ON e.delivery_id = d.id
WHERE d.mailing_id = :m AND d.id > :after GROUP BY d.id ORDER BY d.id LIMIT :n
""")

# --- mailings (usecases/mailings.py) --------------------------------------------------------------------------------

# Mailing :m's undeliverable recipients, and whether each was sent again.
UNDELIVERABLE = text("""
SELECT d.id, d.email, d.contact_id, d.state, d.bounce, d.last_code, d.last_reply, d.final_at,
       d.corrected_email,
       EXISTS (SELECT 1 FROM deliveries r WHERE r.resend_of = d.id) AS resent
FROM deliveries d WHERE d.mailing_id = :m AND d.state IN ('failed', 'bounced') ORDER BY d.id
""")

# Mailing :m's undeliverable recipients with a corrected address that were not sent again yet.
RESEND_DUE = text("""
SELECT d.* FROM deliveries d WHERE d.mailing_id = :m AND d.state IN ('failed', 'bounced')
  AND d.corrected_email IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM deliveries r WHERE r.resend_of = d.id)
""")

# --- bounces, suppressions, events from other services ----------------------------------------------------------------

#: the reason (dispatch.domain.bounce.REASONS) of a delivery's bounce
SET_BOUNCE_REASON = text("UPDATE deliveries SET bounce_reason = :c WHERE id = :id")

#: a sender-side bounce marks the sending domain of the mailing (through its sender account)
MARK_SENDER_ISSUE = text("""
UPDATE sender_domains SET sender_issue = :c, sender_issue_at = :now
WHERE id = (SELECT sa.domain_id FROM mailings m JOIN sender_accounts sa ON sa.id = m.sender_id WHERE m.id = :m)
""")

#: an address's soft bounces in the window that count toward suppressing it: sender-side reasons do not
#: (a bounce from before reasons were kept, with none, does)
RECIPIENT_SOFT_BOUNCES = text("""
SELECT count(*) FROM deliveries WHERE account_id = :a AND email = :e AND bounce = 'soft' AND final_at >= :since
  AND (bounce_reason IS NULL OR NOT (bounce_reason = ANY(:sender)))
""")

# A bounce for delivery :id: a sent or failed row becomes bounced (:b hard or soft).
MARK_BOUNCED = text("""
UPDATE deliveries SET state = CASE WHEN state IN ('sent', 'failed') THEN 'bounced' ELSE state END,
       bounce = :b, last_reply = :reason, final_at = COALESCE(final_at, :now) WHERE id = :id
""")

# Suppress :addr for account :a (reason :r, detail :d); with mailing :m of that account the entry names it, and a
# client-scoped one (:scoped) belongs to that mailing's client. An existing entry stays as it is.
SUPPRESS = text("""
INSERT INTO suppressions (account_id, address, reason, detail, mailing_id, client_id)
SELECT :a, :addr, :r, CAST(:d AS jsonb), m.id, CASE WHEN :scoped THEN m.client_id END
FROM (SELECT 1) AS one
LEFT JOIN mailings m ON m.id = CAST(:m AS uuid) AND m.account_id = CAST(:a AS uuid)
ON CONFLICT ON CONSTRAINT uq_suppressions_account_id_address_client_id DO NOTHING
""")

# crm corrected contact :c's address :old to :new: offered for the re-send of its undeliverable mails.
CORRECT_EMAIL = text("""
UPDATE deliveries SET corrected_email = :new
WHERE account_id = :a AND contact_id = :c AND lower(email) = lower(:old)
  AND state IN ('failed', 'bounced') AND mailing_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM deliveries r WHERE r.resend_of = deliveries.id)
""")

# GDPR erasure: account :a's deliveries to one of :emails (lower case) or to contact :c, then anonymised (:ids).
PERSON_DELIVERIES = text("""
SELECT id FROM deliveries WHERE account_id = :a
  AND (lower(email) = ANY(:emails) OR (CAST(:c AS uuid) IS NOT NULL AND contact_id = CAST(:c AS uuid)))
""")

ERASE_DELIVERIES = text("""
UPDATE deliveries SET email = 'erased-' || id || '@erased.invalid', recipient = '{}'::jsonb,
       contact_id = NULL, last_reply = NULL, corrected_email = NULL
WHERE id = ANY(:ids)
""")

# The erased address :e's suppressions (but the customer's blacklist) keep only its fingerprint :fp, unless an entry
# with that fingerprint exists for the same client already.
SUPPRESSION_TO_FINGERPRINT = text("""
UPDATE suppressions SET address = :fp, detail = '{}'::jsonb
WHERE account_id = :a AND address = :e AND reason <> 'blacklist'
  AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.account_id = :a AND s.address = :fp
                  AND s.client_id IS NOT DISTINCT FROM suppressions.client_id)
""")

# --- metrics (read when Prometheus scrapes dispatch's /metrics; svckit.metrics) ------------------------------------

# Deliveries due now (counted up to a million: the scrape stays bounded) and how long the oldest has waited; on the
# partial index ix_deliveries_due.
SEND_QUEUE = text("""
SELECT (SELECT count(*) FROM (SELECT 1 FROM deliveries
                              WHERE state IN ('queued', 'deferred') AND next_attempt_at <= now()
                              LIMIT 1000000) due) AS n,
       COALESCE(EXTRACT(EPOCH FROM now() - (SELECT min(next_attempt_at) FROM deliveries
                                            WHERE state IN ('queued', 'deferred') AND next_attempt_at <= now())),
                0) AS age
""")

# Checked sender domains by owner (the suite's own: no account) and DKIM state.
SENDER_DOMAIN_STATES = text("""
SELECT CASE WHEN account_id IS NULL THEN 'system' ELSE 'customer' END AS owner, dkim_ok, count(*) AS n
FROM sender_domains WHERE checked_at IS NOT NULL GROUP BY 1, 2
""")

# --- the pre-send verdict (usecases/mailings.py) ---------------------------------------------------------------------

# Account :a's mailing mails sent since :since, and how many of them drew a complaint (delivery_events 'complaint').
ACCOUNT_COMPLAINTS = text("""
SELECT count(*) AS sent,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM delivery_events e
                                      WHERE e.delivery_id = d.id AND e.kind = 'complaint')) AS complaints
FROM deliveries d
WHERE d.account_id = :a AND d.mailing_id IS NOT NULL AND d.sent_at >= :since AND d.state IN ('sent', 'bounced')
""")
