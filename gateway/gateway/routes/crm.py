"""HTTP routes of the crm service: contacts, lists, events, history, import wizard, exports, jobs, mailboxes,
mediacenter, GDPR.

Every route is one row of ``ROUTES`` (``gateway.routing``): method, path, crm RPC method, where each argument comes
from, and the request and response models from ``crm.contracts``; the resources and the OpenAPI fragment are both
built from that table, so a route cannot exist undocumented. Rights are the crm service's business: it reads the
principal the gateway put into the context data (hidden client -> 404, read-only client + write -> 403).

Files travel as streams, never inside an RPC message (``gateway.files``): an upload's body is spooled while its size
is counted against the route's limit and its SHA-256 computed, and crm takes it from the spool; a download is the
file crm placed in the spool, streamed out.
"""

from __future__ import annotations

from crm import contracts as c
from svckit.settings import env

from .. import routing
from ..routing import UUID_SCHEMA, Body, Id, Lang, Page, Query, QueryDict, Route

P = "/api/v1/crm"
MB = 1024 * 1024
IMPORT_MAX_BYTES = int(env("CRM_IMPORT_MAX_BYTES", str(50 * MB)))
MEDIA_MAX_BYTES = int(env("CRM_MEDIA_MAX_BYTES", str(100 * MB)))
RPC_TIMEOUT_SLOW = 60.0

CONTACTS, FIELDS, LISTS, EVENTS, IMPORT = "crm contacts", "crm custom fields", "crm lists", "crm events", "crm import"
MEDIA, EXPORTS, MAILBOXES, GDPR, JOBS = "crm media", "crm exports", "crm mailboxes", "crm gdpr", "crm jobs"
TAGS = [{"name": name, "description": "CRM: " + name[4:]}
        for name in sorted((CONTACTS, FIELDS, LISTS, EVENTS, IMPORT, MEDIA, EXPORTS, MAILBOXES, GDPR, JOBS))]

CLIENT = Query("client_id", schema=UUID_SCHEMA, description="the client")
CLIENT_REQUIRED = Query("client_id", schema=UUID_SCHEMA, description="the client", required=True)
#: the contact search's filter (crm.contracts.ContactFilter) from the query string
CONTACT_FILTER = QueryDict(
    Query("q", description="full-text search (umlauts folded: Müller = Mueller = Muller)"),
    Query("client_id", list, dest="client_ids", schema={"type": "array", "items": UUID_SCHEMA},
          description="only these clients (repeat the parameter)"),
    Query("kind", schema={"enum": ["person", "organisation"]}),
    Query("tag", list, dest="tags", description="all of these tags"),
    Query("any_tag", list, dest="any_tags", description="at least one of these tags"),
    Query("country"), Query("city"), Query("language"), Query("org_type"), Query("position"),
    Query("has_email", bool), Query("email_state"), Query("list_id", schema=UUID_SCHEMA), Query("source_kind"))


def R(method: str, path: str, rpc: str, **kw) -> Route:  # noqa: N802  (a row of the table)
    return Route(method, P + path, "crm." + rpc, **kw)


ROUTES: list[Route] = [
    # contacts
    R("get", "/contacts", "search_contacts", args=(CONTACT_FILTER, Page(spread=True)), tag=CONTACTS,
      summary="Search contacts (full text, filters, cursor)", response=c.ContactPage),
    R("post", "/contacts", "create_contact", args=(Body(),), status=201, tag=CONTACTS,
      summary="Create a person or organisation", body=c.ContactCreate, response=c.Contact),
    R("get", "/contacts/{contact_id}", "get_contact", args=(Id("contact_id"),), tag=CONTACTS, summary="One contact",
      response=c.Contact),
    R("patch", "/contacts/{contact_id}", "update_contact", args=(Id("contact_id"), Body()), tag=CONTACTS,
      summary="Change a contact (only the fields sent)", body=c.ContactUpdate, response=c.Contact),
    R("delete", "/contacts/{contact_id}", "delete_contact", args=(Id("contact_id"),), status=204, tag=CONTACTS,
      summary="Delete a contact"),
    R("get", "/contacts/{contact_id}/history", "list_history",
      args=(Id("contact_id"), Page(spread=True), Query("kind", kw="kind")), tag=CONTACTS,
      summary="The contact's history, newest first", response=c.HistoryPage),
    R("post", "/contacts/{contact_id}/history", "add_history", args=(Id("contact_id"), Body()), status=201,
      tag=CONTACTS, summary="Add a note, call or meeting", body=c.HistoryIn, response=c.HistoryEntry),
    R("get", "/duplicates", "find_duplicates",
      args=(CLIENT_REQUIRED, Query("limit", int, kw="limit", schema={"type": "integer", "minimum": 1,
                                                                     "maximum": 500})),
      tag=CONTACTS, summary="Likely duplicates in a client (same e-mail; similar name and organisation)",
      response=c.Duplicates),
    R("post", "/contacts/{contact_id}/merge", "merge_contacts", args=(Id("contact_id"), Body()), tag=CONTACTS,
      summary="Merge another contact (other_id) into this one", body=c.MergeIn, response=c.Contact),
    R("get", "/contacts/{contact_id}/pressbase-changes", "get_pressbase_changes", args=(Id("contact_id"),),
      tag=CONTACTS, summary="Changes of the linked media database record not yet applied",
      response=c.PressbaseChanges),
    R("post", "/contacts/{contact_id}/pressbase-changes/apply", "apply_pressbase_changes",
      args=(Id("contact_id"), Body(required=False)), tag=CONTACTS, errors=("409",),
      summary="Apply all or some (fields) media database changes", body=c.ApplyChangesIn, response=c.Contact),
    R("post", "/contacts/{contact_id}/pressbase-changes/dismiss", "dismiss_pressbase_changes",
      args=(Id("contact_id"),), status=204, tag=CONTACTS, summary="Dismiss the media database changes"),
    R("get", "/custom-fields", "list_custom_fields", tag=FIELDS, summary="The account's custom fields",
      response=list[c.CustomField]),
    R("post", "/custom-fields", "create_custom_field", args=(Body(),), status=201, tag=FIELDS, errors=("409",),
      summary="Define a typed custom field (administrators)", body=c.CustomFieldIn, response=c.CustomField),
    R("delete", "/custom-fields/{key}", "delete_custom_field", args=(routing.Path("key"),), status=204, tag=FIELDS,
      summary="Remove a custom field and its values (administrators)"),
    # lists
    R("get", "/lists", "search_lists", args=(Page(spread=True), Query("client_id", kw="client_id",
                                                                      schema=UUID_SCHEMA),
                                              Query("q", kw="q", description="part of the name")),
      tag=LISTS, summary="Distribution lists", response=c.ListPage),
    R("post", "/lists", "create_list", args=(Body(),), status=201, tag=LISTS,
      summary="Create a static or dynamic (saved filter) list", body=c.ListCreate, response=c.DistributionList),
    R("get", "/lists/{list_id}", "get_list", args=(Id("list_id"),), tag=LISTS, summary="One list",
      response=c.DistributionList),
    R("patch", "/lists/{list_id}", "update_list", args=(Id("list_id"), Body()), tag=LISTS, summary="Change a list",
      body=c.ListUpdate, response=c.DistributionList),
    R("delete", "/lists/{list_id}", "delete_list", args=(Id("list_id"),), status=204, tag=LISTS,
      summary="Delete a list"),
    R("get", "/lists/{list_id}/members", "list_members", args=(Id("list_id"), Page(spread=True)), tag=LISTS,
      summary="A list's members (dynamic lists: the filter evaluated now)", response=c.ContactPage),
    R("post", "/lists/{list_id}/members", "add_list_members", args=(Id("list_id"), Body()), tag=LISTS,
      errors=("409",), summary="Add contacts to a static list", body=c.IdList, response=c.MemberCount),
    R("post", "/lists/{list_id}/members/remove", "remove_list_members", args=(Id("list_id"), Body()), tag=LISTS,
      errors=("409",), summary="Remove contacts from a static list", body=c.IdList, response=c.MemberCount),
    # events
    R("get", "/events", "search_events", args=(Page(spread=True), Query("client_id", kw="client_id",
                                                                       schema=UUID_SCHEMA)),
      tag=EVENTS, summary="Events", response=c.EventPage),
    R("post", "/events", "create_event", args=(Body(),), status=201, tag=EVENTS, summary="Create an event",
      body=c.EventCreate, response=c.Event),
    R("get", "/events/{event_id}", "get_event", args=(Id("event_id"),), tag=EVENTS, summary="One event",
      response=c.Event),
    R("patch", "/events/{event_id}", "update_event", args=(Id("event_id"), Body()), tag=EVENTS,
      summary="Change an event", body=c.EventUpdate, response=c.Event),
    R("delete", "/events/{event_id}", "delete_event", args=(Id("event_id"),), status=204, tag=EVENTS,
      summary="Delete an event"),
    R("get", "/events/{event_id}/participants", "list_participants",
      args=(Id("event_id"), Page(spread=True), Query("status", kw="status")), tag=EVENTS,
      summary="Participants (optionally of one status)", response=c.ParticipantPage),
    R("post", "/events/{event_id}/participants", "add_participants", args=(Id("event_id"), Body()), tag=EVENTS,
      summary="Invite contacts (or set their status)", body=c.ParticipantsIn, response=c.ParticipantsAdded),
    R("patch", "/events/{event_id}/participants/{contact_id}", "update_participant",
      args=(Id("event_id"), Id("contact_id"), Body()), tag=EVENTS, summary="Set a participant's status",
      body=c.ParticipantUpdate, response=c.ParticipantState),
    R("delete", "/events/{event_id}/participants/{contact_id}", "remove_participant",
      args=(Id("event_id"), Id("contact_id")), status=204, tag=EVENTS, summary="Remove a participant"),
    # import wizard
    R("get", "/imports", "list_imports",
      args=(Query("limit", int, kw="limit", schema={"type": "integer", "minimum": 1, "maximum": 100}),
            Query("offset", int, kw="offset", schema={"type": "integer", "minimum": 0, "maximum": 100000})),
      tag=IMPORT, summary="The caller's recent imports, newest first (name, state, counts per run); limit 1-100, "
                          "offset 0-100000", response=list[c.ImportListed]),
    R("post", "/imports", "start_import", status=201, tag=IMPORT,
      summary="Upload an .xlsx or CSV file (raw body, streamed): sheets, header row and a column mapping are "
              "suggested", upload_limit=IMPORT_MAX_BYTES, response=c.Import, timeout=RPC_TIMEOUT_SLOW),
    R("get", "/imports/{import_id}", "get_import", args=(Id("import_id"),), tag=IMPORT, summary="An import's state",
      response=c.Import),
    R("put", "/imports/{import_id}/mapping", "set_import_mapping", args=(Id("import_id"), Body()), tag=IMPORT,
      summary="Choose sheet, header row and the field of each column", body=c.ImportMapping, response=c.Import),
    R("post", "/imports/{import_id}/dry-run", "dry_run_import", args=(Id("import_id"), Body()), status=202,
      tag=IMPORT, errors=("409",), summary="Dry run as a job: a report per row, nothing is written",
      body=c.ImportRun, response=c.Job),
    R("post", "/imports/{import_id}/run", "run_import", args=(Id("import_id"), Body()), status=202, tag=IMPORT,
      errors=("409",),
      summary="Import into a client (and list) with a duplicate strategy, as a job; re-runs create nothing twice. "
              "Bound to the import's last finished dry run: without one, or with another file, sheet, header row, "
              "mapping, client, list or strategy, 409 naming what differs",
      body=c.ImportRun, response=c.Job),
    R("get", "/imports/{import_id}/report", "import_report",
      args=(Id("import_id"), Page(spread=True), Query("run", kw="run", schema={"enum": ["dry", "real"]}),
            Query("outcome", kw="outcome"), Lang(kw="lang")),
      tag=IMPORT, summary="The per-row report of the dry run (run=dry) or the import (run=real)",
      response=c.ImportReport),
    # mediacenter
    R("get", "/media/folders", "list_folder",
      args=(CLIENT_REQUIRED, Query("parent_id", kw="parent_id", schema=UUID_SCHEMA, description="open a folder")),
      tag=MEDIA, summary="Folders (and files) of a client's mediacenter; parent_id opens a folder",
      response=c.FolderListing),
    R("post", "/media/folders", "create_folder", args=(Body(),), status=201, tag=MEDIA, errors=("409",),
      summary="Create a folder", body=c.FolderCreate, response=c.MediaFolder),
    R("patch", "/media/folders/{folder_id}", "update_folder", args=(Id("folder_id"), Body()), tag=MEDIA,
      errors=("409",), summary="Rename or move a folder", body=c.FolderUpdate, response=c.MediaFolder),
    R("delete", "/media/folders/{folder_id}", "delete_folder", args=(Id("folder_id"),), status=204, tag=MEDIA,
      summary="Delete a folder with everything in it"),
    R("post", "/media/folders/{folder_id}/files", "upload_media_file", args=(Id("folder_id"),), status=201,
      tag=MEDIA, summary="Upload a file (raw body, streamed; type detected from the content)",
      upload_limit=MEDIA_MAX_BYTES, response=c.MediaFile, timeout=RPC_TIMEOUT_SLOW),
    R("get", "/media/files/{file_id}", "get_media_file", args=(Id("file_id"),), tag=MEDIA,
      summary="A file's details", response=c.MediaFile),
    R("patch", "/media/files/{file_id}", "update_media_file", args=(Id("file_id"), Body()), tag=MEDIA,
      summary="Rename or move a file", body=c.FileUpdate, response=c.MediaFile),
    R("delete", "/media/files/{file_id}", "delete_media_file", args=(Id("file_id"),), status=204, tag=MEDIA,
      summary="Delete a file"),
    R("get", "/media/files/{file_id}/content", "download_media_file", args=(Id("file_id"),), tag=MEDIA,
      summary="Download a file (streamed)", download="spool"),
    R("get", "/media/usage", "get_storage_usage", tag=MEDIA, summary="Bytes the account stores",
      response=c.StorageUsage),
    R("get", "/contacts/{contact_id}/files", "list_contact_files", args=(Id("contact_id"),), tag=CONTACTS,
      summary="Files attached to a contact", response=list[c.MediaFile]),
    R("post", "/contacts/{contact_id}/files", "attach_file", args=(Id("contact_id"), Body()), status=201,
      tag=CONTACTS, summary="Attach a mediacenter file to a contact", body=c.AttachIn, response=c.MediaFile),
    R("delete", "/contacts/{contact_id}/files/{file_id}", "detach_file", args=(Id("contact_id"), Id("file_id")),
      status=204, tag=CONTACTS, summary="Detach a file from a contact"),
    # exports
    R("post", "/exports", "start_export", args=(Body(),), status=202, tag=EXPORTS,
      summary="Excel export (mail merge: salutation line, DIN 5008 address block) of a list, an event's "
              "participants, a mailing's recipients or chosen contacts, as a job", body=c.ExportIn, response=c.Job),
    # IMAP archive
    R("get", "/mailboxes", "list_mailboxes", tag=MAILBOXES, summary="The caller's connected mailboxes",
      response=list[c.Mailbox]),
    R("post", "/mailboxes", "create_mailbox", args=(Body(),), status=201, tag=MAILBOXES,
      summary="Connect a mailbox (host, port, TLS, login; the password is stored encrypted, never returned)",
      body=c.MailboxIn, response=c.Mailbox),
    R("get", "/mailboxes/{mailbox_id}", "get_mailbox", args=(Id("mailbox_id"),), tag=MAILBOXES,
      summary="One mailbox", response=c.Mailbox),
    R("patch", "/mailboxes/{mailbox_id}", "update_mailbox", args=(Id("mailbox_id"), Body()), tag=MAILBOXES,
      summary="Change a mailbox (folders, login ...)", body=c.MailboxUpdate, response=c.Mailbox),
    R("delete", "/mailboxes/{mailbox_id}", "delete_mailbox", args=(Id("mailbox_id"),), status=204, tag=MAILBOXES,
      summary="Disconnect a mailbox"),
    R("post", "/mailboxes/{mailbox_id}/sync", "sync_mailbox", args=(Id("mailbox_id"),), status=202, tag=MAILBOXES,
      summary="Fetch new messages now and archive them into the matching contacts' history (a job)",
      response=c.Job),
    # GDPR
    R("get", "/contacts/{contact_id}/gdpr-export", "export_person", args=(Id("contact_id"),), tag=GDPR,
      summary="Art. 15: everything the CRM stores about this person", response=c.PersonExport),
    R("post", "/contacts/{contact_id}/erasure", "erase_person", args=(Id("contact_id"),), tag=GDPR,
      summary="Art. 17: erase this person here and tell every other service", response=c.Erasure),
    R("get", "/account-exports", "list_account_exports", tag=GDPR,
      summary="Whole-account export archives (also the one prepared at contract end)", response=list[c.Job]),
    R("post", "/account-exports", "start_account_export", status=202, tag=GDPR,
      summary="Export the whole account (every service's part, xlsx and JSON) as a job; download from "
              "/jobs/{id}/file", response=c.Job),
    # jobs
    R("get", "/jobs/{job_id}", "get_job", args=(Id("job_id"),), tag=JOBS, summary="A job's state and progress",
      response=c.Job),
    R("get", "/jobs/{job_id}/file", "download_job_file", args=(Id("job_id"),), tag=JOBS, errors=("409",),
      summary="The file a finished job produced (export, archive), streamed", download="spool"),
]


def register(app, deps) -> None:
    routing.register(app, deps, ROUTES)


OPENAPI: dict = routing.openapi(ROUTES, TAGS)
