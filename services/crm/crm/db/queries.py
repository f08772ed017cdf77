"""crm's named SQL (docs/architecture.md, "Data access: ORM or SQL, by one rule"): statements that read better as
SQL than as a query builder, each under a name with what it does and its parameters. Values are always bound."""

from __future__ import annotations

from sqlalchemy import text

#: the duplicate scan's session settings, for this transaction only: the trigram similarity threshold (:t, a text)
#: and a statement_timeout of the caller's remaining deadline or :cap milliseconds, whichever is shorter
DUPLICATE_SCAN_SETTINGS = text("""
SELECT set_config('pg_trgm.similarity_threshold', :t, true),
       set_config('statement_timeout', (CASE WHEN t = 0 OR t > :cap THEN :cap ELSE t END)::bigint::text, true)
FROM (SELECT extract(epoch FROM current_setting('statement_timeout')::interval) * 1000 AS t) AS current
""")

#: pairs of likely duplicates in one client (:account, :client), best first, at most :limit: the same normalised
#: e-mail address, or trigram-similar names (the threshold set above) of the same kind whose organisations agree
DUPLICATE_PAIRS = text("""
WITH same_email AS (
    SELECT LEAST(a.contact_id, b.contact_id) AS a, GREATEST(a.contact_id, b.contact_id) AS b,
           'same_email' AS reason, 1.0::float AS score
    FROM contact_emails a JOIN contact_emails b
      ON b.account_id = a.account_id AND b.client_id = a.client_id AND b.email_norm = a.email_norm
     AND b.contact_id > a.contact_id
    WHERE a.account_id = :account AND a.client_id = :client
), similar_name AS (
    SELECT a.id AS a, b.id AS b, 'similar_name' AS reason, similarity(a.name_key, b.name_key)::float AS score
    FROM contacts a JOIN contacts b
      ON b.account_id = a.account_id AND b.client_id = a.client_id AND b.id > a.id AND b.kind = a.kind
     AND b.name_key % a.name_key
    WHERE a.account_id = :account AND a.client_id = :client AND a.name_key <> ''
      AND (a.org_key = b.org_key OR a.org_key = '' OR b.org_key = '' OR similarity(a.org_key, b.org_key) > 0.5)
)
SELECT a, b, array_agg(DISTINCT reason) AS reasons, max(score) AS score
FROM (SELECT * FROM same_email UNION ALL SELECT * FROM similar_name) pairs
GROUP BY a, b ORDER BY max(score) DESC, a, b LIMIT :limit
""")
