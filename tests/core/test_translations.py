"""The English catalogue is complete and its compiled .mo matches the .po that is committed."""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "src" / "omlob" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"


def _entries() -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of the singular entries of the .po file."""
    result = []
    for block in PO.read_text("utf-8").split("\n\n"):
        if "msgid_plural" in block or 'msgid ""\nmsgstr ""\n"Project' in block:
            continue
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if not msgid or not msgstr:
            continue

        def text(match: re.Match[str]) -> str:
            return "".join(json.loads(line) for line in match.group(1).strip().split("\n"))

        result.append((text(msgid), text(msgstr), "fuzzy" in block.split("msgid")[0]))
    return [e for e in result if e[0]]


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = _entries()
    assert len(entries) > 200
    assert [m for m, s, _ in entries if not s] == []
    assert [m for m, _, fuzzy in entries if fuzzy] == []


def test_compiled_catalogue_matches_the_source():
    catalogue = gettext.GNUTranslations((PO.with_suffix(".mo")).open("rb"))
    stale = [m for m, s, _ in _entries() if catalogue.gettext(m) != s]
    assert stale == [], "run `make messages` (compilemessages) and commit the .mo"


def test_placeholders_survive_translation():
    for msgid, msgstr, _ in _entries():
        assert sorted(re.findall(r"%\(\w+\)[sd]", msgid)) == sorted(
            re.findall(r"%\(\w+\)[sd]", msgstr)
        ), msgid
