"""The pressbase area's texts (gateway/web/src/areas/pressbase): every message key its pages use exists in German and
English, both languages have the same keys, and the keys built at run time (`t(`pressbase.facet.${group}`)`) have a
text for every value they are built from. A missing key would show up on screen as the key itself."""

from __future__ import annotations

import re
from pathlib import Path

AREA = Path(__file__).resolve().parents[1] / "web" / "src" / "areas" / "pressbase"
COMMON = AREA.parents[1] / "i18n" / "common.ts"
KEY = re.compile(r'^\s*"([A-Za-z0-9_.]+)":', re.M)

#: keys the pages build from values, with every value they are built from
DYNAMIC = {
    "pressbase.facet": ("media_type", "country", "state", "topic", "desk", "language", "frequency", "outlet",
                        "freelance", "dataset"),
    "pressbase.dataset": ("dach", "plus", "world"),
    "pressbase.freelance": ("true", "false"),
    "pressbase.kind": ("search", "list"),
    "pressbase.target": ("journalists", "outlets"),
    "pressbase.count": ("journalists", "outlets", "journalists.estimated", "outlets.estimated"),
}


def _messages() -> tuple[set[str], set[str]]:
    text = (AREA / "index.tsx").read_text(encoding="utf-8")
    block = text.split("messages: {", 1)[1]
    de, en = block.split("\n    en: {", 1)
    return set(KEY.findall(de)), set(KEY.findall(en))


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(AREA.glob("*.ts*")) if p.name != "index.tsx")


def test_both_languages_have_the_same_keys():
    de, en = _messages()
    assert len(de) > 100, "no German texts found"
    assert sorted(de - en) == [] and sorted(en - de) == []


def test_every_key_the_pages_use_exists():
    de, _ = _messages()
    common = set(re.findall(r'"(common\.[A-Za-z0-9_.]+)":', COMMON.read_text(encoding="utf-8")))
    used = set(re.findall(r'"((?:pressbase|common)\.[A-Za-z0-9_.]+)"', _sources()))
    assert used
    missing = sorted(k for k in used if k not in (common if k.startswith("common.") else de))
    assert missing == []


def test_keys_built_at_run_time_exist():
    de, _ = _messages()
    built = set(re.findall(r"t\(`([A-Za-z.]+)\.\$\{", _sources()))
    for prefix, values in DYNAMIC.items():
        assert prefix in built, f"{prefix} is no longer built at run time: update DYNAMIC"
        assert sorted(f"{prefix}.{v}" for v in values if f"{prefix}.{v}" not in de) == []
    # the facet groups the search shows are the ones listed above
    groups = re.findall(r'GROUPS = \[([^\]]*)\]', (AREA / "api.ts").read_text(encoding="utf-8"))
    assert groups
    for listed in groups:
        for group in re.findall(r'"(\w+)"', listed):
            assert group in DYNAMIC["pressbase.facet"], group
