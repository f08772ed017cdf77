"""How records look in the API and in exports: codes with labels in the reader's language, PLUS fields only for
accounts that licensed PLUS, the names and salutations of journalists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from svckit.i18n import Text

from . import catalog
from .catalog import labelled


def pressbase_id(kind: str, record_id: int) -> str:
    return f"{'J' if kind == 'journalist' else 'O'}-{record_id}"


def parse_pressbase_id(value: Any) -> tuple[str, int] | None:
    if not isinstance(value, str) or len(value) < 3 or value[1] != "-" or value[0] not in "JO":
        return None
    try:
        return ("journalist" if value[0] == "J" else "outlet"), int(value[2:])
    except ValueError:
        return None


def _label(table: Mapping[str, Text], code: str | None, lang: str) -> dict[str, Any] | None:
    if code is None:
        return None
    label = table.get(code)
    return {"code": code, "label": label.pick(lang) if label else code}


def full_name(first: str | None, last: str | None, title: str | None = None) -> str:
    return " ".join(p for p in (title, first, last) if p)


def journalist(row: dict[str, Any], lang: str, plus_fields: bool,
               outlets: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    data = {
        "id": row["id"],
        "pressbase_id": pressbase_id("journalist", row["id"]),
        "dataset": row["dataset"],
        "name": full_name(row["first_name"], row["last_name"], row["title"]),
        "gender": row["gender"],
        "title": row["title"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "position": row["position"],
        "desks": labelled(catalog.DESKS, row["desks"] or [], lang),
        "topics": labelled(catalog.TOPICS, row["topics"] or [], lang),
        "languages": labelled(catalog.LANGUAGES, row["languages"] or [], lang),
        "country": _label(catalog.COUNTRIES, row["country"], lang),
        "state": _label(catalog.REGIONS, row["state"], lang),
        "city": row["city"],
        "freelance": row["freelance"],
        "email": row["email"],
        "phone": row["phone"],
        "last_verified": row["last_verified"].isoformat() if row.get("last_verified") else None,
        "version": row["version"],
        "outlets": [
            {"id": o["id"], "pressbase_id": pressbase_id("outlet", o["id"]), "name": o["name"],
             "media_type": _label(catalog.MEDIA_TYPES, o["media_type"], lang),
             "role": _label(catalog.ROLES, o["role"], lang)}
            for o in (outlets if outlets is not None else row.get("outlet_list") or [])
        ],
    }
    if plus_fields:
        data["plus"] = row.get("plus") or {}
    return data


def outlet(row: dict[str, Any], lang: str, plus_fields: bool) -> dict[str, Any]:
    data = {
        "id": row["id"],
        "pressbase_id": pressbase_id("outlet", row["id"]),
        "dataset": row["dataset"],
        "name": row["name"],
        "media_type": _label(catalog.MEDIA_TYPES, row["media_type"], lang),
        "publisher": row["publisher"],
        "country": _label(catalog.COUNTRIES, row["country"], lang),
        "state": _label(catalog.REGIONS, row["state"], lang),
        "city": row["city"],
        "postal_code": row["postal_code"],
        "street": row["street"],
        "language": _label(catalog.LANGUAGES, row["language"], lang),
        "frequency": _label(catalog.FREQUENCIES, row["frequency"], lang),
        "circulation": row["circulation"],
        "reach": row["reach"],
        "website": row["website"],
        "email": row["email"],
        "phone": row["phone"],
        "topics": labelled(catalog.TOPICS, row["topics"] or [], lang),
        "departments": labelled(catalog.DESKS, row["departments"] or [], lang),
        "version": row["version"],
    }
    if plus_fields:
        data["plus"] = row.get("plus") or {}
    return data


def forward_feature(row: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        "outlet": {"id": row["outlet_id"], "pressbase_id": pressbase_id("outlet", row["outlet_id"]),
                   "name": row["outlet_name"], "media_type": _label(catalog.MEDIA_TYPES, row["media_type"], lang)},
        "dataset": row["dataset"],
        "issue_date": row["issue_date"].isoformat() if row["issue_date"] else None,
        "topic": _label(catalog.TOPICS, row["topic"], lang),
        "title": row["title"],
        "description": row["description"],
        "deadline": row["deadline"].isoformat(),
    }


FACET_TABLES = {
    "media_type": catalog.MEDIA_TYPES, "country": catalog.COUNTRIES, "state": catalog.REGIONS,
    "topic": catalog.TOPICS, "desk": catalog.DESKS, "language": catalog.LANGUAGES, "frequency": catalog.FREQUENCIES,
    "dataset": catalog.DATASETS,
}
FREELANCE = {"1": ("freie Mitarbeit", "freelance"), "0": ("fest angestellt", "staff")}


def facets(raw: dict[str, list[tuple[str, int]]], lang: str,
           outlet_names: dict[int, str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for group, values in raw.items():
        entries = []
        for code, count in values:
            if group == "outlet":
                entries.append({"code": code, "label": outlet_names.get(int(code), code), "count": count})
            elif group == "freelance":
                de, en = FREELANCE.get(code, (code, code))
                entries.append({"code": code == "1", "label": en if lang == "en" else de, "count": count})
            else:
                label = FACET_TABLES[group].get(code)
                entry = {"code": code, "label": label.pick(lang) if label else code, "count": count}
                if group == "topic":
                    entry["parent"] = catalog.topic_parent(code)
                entries.append(entry)
        out[group] = entries
    return out
