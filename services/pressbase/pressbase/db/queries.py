"""pressbase's named SQL queries of the use cases: set-based and long statements on selections, transfers and outlets.

The rule (docs/architecture.md, "Data access"): ORM for the reads and writes of one aggregate, SQL ``text()`` for
set-based, reporting or long statements, kept under a name (as listmonk's queries.sql); a short one-line statement
may stay next to its only caller. The search SQL (word forms, pages, counts) has its own module, ``search_sql.py``.
Every value is a bound parameter.
"""

from __future__ import annotations

from sqlalchemy import text

# --- records visible under a licence --------------------------------------------------------------------------------

# Which of :ids are records of the licensed datasets :ds, by kind.
VISIBLE_IDS = {
    "journalist": text("SELECT id FROM journalists WHERE id = ANY(CAST(:ids AS bigint[])) "
                       "AND dataset = ANY(CAST(:ds AS text[]))"),
    "outlet": text("SELECT id FROM outlets WHERE id = ANY(CAST(:ids AS bigint[])) "
                   "AND dataset = ANY(CAST(:ds AS text[]))"),
}

# The journalists of outlet :o in the licensed datasets :ds (at most 200, by name).
OUTLET_STAFF = text("""
SELECT j.id, j.title, j.first_name, j.last_name, j.position, jo.role FROM journalist_outlets jo
  JOIN journalists j ON j.id = jo.journalist_id
 WHERE jo.outlet_id = :o AND j.dataset = ANY(CAST(:ds AS text[]))
 ORDER BY j.last_name, j.first_name LIMIT 200
""")

# Outlet :o's coming editorial calendar entries (at most 50, soonest deadline first).
OUTLET_FORWARD_FEATURES = text("""
SELECT f.*, o.name AS outlet_name, o.media_type
  FROM forward_features f JOIN outlets o ON o.id = f.outlet_id
 WHERE f.outlet_id = :o AND f.deadline >= current_date ORDER BY f.deadline, f.id LIMIT 50
""")

# --- selections -----------------------------------------------------------------------------------------------------

# Add the records :ids of kind :k to selection :s (present ones stay).
ADD_SELECTION_ITEMS = text("""
INSERT INTO selection_items (selection_id, item_kind, item_id)
SELECT :s, :k, unnest(CAST(:ids AS bigint[])) ON CONFLICT DO NOTHING
""")

REMOVE_SELECTION_ITEMS = text("""
DELETE FROM selection_items WHERE selection_id = :s AND item_kind = :k AND item_id = ANY(CAST(:ids AS bigint[]))
""")

# A list's members of one kind in id order after :after (:n), still in the licensed datasets :ds.
LIST_MEMBER_IDS = {
    "journalist": text("""
SELECT i.item_id FROM selection_items i JOIN journalists r ON r.id = i.item_id
 WHERE i.selection_id = :s AND i.item_kind = :k AND i.item_id > :after AND r.dataset = ANY(CAST(:ds AS text[]))
 ORDER BY i.item_id LIMIT :n
"""),
    "outlet": text("""
SELECT i.item_id FROM selection_items i JOIN outlets r ON r.id = i.item_id
 WHERE i.selection_id = :s AND i.item_kind = :k AND i.item_id > :after AND r.dataset = ANY(CAST(:ds AS text[]))
 ORDER BY i.item_id LIMIT :n
"""),
}

# A page of recipients (docs/contracts.md "Recipients"): journalists :ids with their first outlet, outlets :ids.
RECIPIENT_JOURNALISTS = text("""
SELECT j.id, j.gender, j.title, j.first_name, j.last_name, j.email, j.position, j.languages, j.desks,
       o.name AS organisation, o.media_type
  FROM journalists j
  LEFT JOIN LATERAL (SELECT o.name, o.media_type FROM journalist_outlets jo JOIN outlets o ON o.id = jo.outlet_id
                      WHERE jo.journalist_id = j.id ORDER BY jo.ord LIMIT 1) o ON true
 WHERE j.id = ANY(CAST(:ids AS bigint[]))
 ORDER BY j.id
""")

RECIPIENT_OUTLETS = text("SELECT id, name, email, language, media_type FROM outlets "
                         "WHERE id = ANY(CAST(:ids AS bigint[])) ORDER BY id")

# --- transfers to crm -----------------------------------------------------------------------------------------------

# The fields a transfer sends to crm for journalists :ids of the datasets :ds (the mobile number only with :plus),
# one statement for both the transfer and the comparison, so they cannot drift apart.
CONTACT_FIELDS = text("""
SELECT j.id, j.version, jsonb_strip_nulls(jsonb_build_object(
         'pressbase_id', 'J-' || j.id,
         'gender', CASE j.gender WHEN 'f' THEN 'female' WHEN 'm' THEN 'male' WHEN 'd' THEN 'diverse' ELSE 'unknown' END,
         'title', nullif(j.title, ''), 'first_name', nullif(j.first_name, ''), 'last_name', j.last_name,
         'email', j.email, 'phone', j.phone,
         'mobile', CASE WHEN :plus THEN j.plus ->> 'mobile' END,
         'position', j.position,
         'department', (SELECT l.de FROM labels l WHERE l.kind = 'desk' AND l.code = j.desks[1]),
         'organisation', o.name,
         'language', CASE WHEN j.languages = '{}' OR 'de' = ANY(j.languages) THEN 'de' ELSE 'en' END,
         'street', o.street, 'postal_code', o.postal_code, 'city', coalesce(o.city, j.city),
         'country', coalesce(o.country, j.country), 'website', o.website)) AS fields
  FROM journalists j
  LEFT JOIN LATERAL (SELECT o.* FROM journalist_outlets jo JOIN outlets o ON o.id = jo.outlet_id
                      WHERE jo.journalist_id = j.id ORDER BY jo.ord LIMIT 1) o ON true
 WHERE j.id = ANY(CAST(:ids AS bigint[])) AND j.dataset = ANY(CAST(:ds AS text[]))
""")

# How many distinct journalists account :a transferred, and how many of :ids among them.
TRANSFERRED_COUNTS = text("""
SELECT count(DISTINCT journalist_id), count(DISTINCT journalist_id) FILTER
       (WHERE journalist_id = ANY(CAST(:ids AS bigint[])))
  FROM transfer_links WHERE account_id = :a
""")

# Record the links :links (JSON: j journalist, c contact, v version, s snapshot) of account :a's client :cl.
SAVE_TRANSFER_LINKS = text("""
INSERT INTO transfer_links (account_id, client_id, journalist_id, contact_id, version, snapshot, transferred_by)
SELECT :a, :cl, (l ->> 'j')::bigint, l ->> 'c', (l ->> 'v')::int, l -> 's', :u
  FROM jsonb_array_elements(CAST(:links AS jsonb)) l
ON CONFLICT (account_id, client_id, journalist_id) DO UPDATE
   SET contact_id = excluded.contact_id, version = excluded.version, snapshot = excluded.snapshot,
       transferred_by = excluded.transferred_by, transferred_at = now(), applied_at = NULL
""")

# Account :a's links into client :c after link id :after (500), and the links :ids of that client.
TRANSFER_LINKS_PAGE = text("""
SELECT id, journalist_id, contact_id, version, snapshot, transferred_at, applied_at FROM transfer_links
 WHERE account_id = :a AND client_id = :c AND id > :after ORDER BY id LIMIT 500
""")

TRANSFER_LINKS_BY_ID = text("""
SELECT id, journalist_id, contact_id, snapshot FROM transfer_links
 WHERE account_id = :a AND client_id = :c AND id = ANY(CAST(:ids AS bigint[]))
""")

# The journalists import :i updated that some account transferred.
TRANSFERRED_AND_CHANGED = text("""
SELECT DISTINCT rc.record_id FROM record_changes rc WHERE rc.import_id = :i AND rc.kind = 'journalist'
   AND rc.op = 'update' AND EXISTS (SELECT 1 FROM transfer_links l WHERE l.journalist_id = rc.record_id)
""")
