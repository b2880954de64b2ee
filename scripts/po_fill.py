"""Fill msgstr entries of a gettext catalogue from a JSON file {msgid: msgstr} and drop their
fuzzy flags. A maintainer's tool for `make messages`; uses only the standard library.

Usage: python scripts/po_fill.py src/omlob/locale/en/LC_MESSAGES/django.po translations.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line[line.index('"'):]) for line in lines)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(po: Path, translations: dict[str, str]) -> int:
    entries = po.read_text("utf-8").split("\n\n")
    done = 0
    for i, entry in enumerate(entries):
        lines = entry.split("\n")
        try:
            start = next(n for n, line in enumerate(lines) if line.startswith("msgid "))
            stop = next(n for n, line in enumerate(lines) if line.startswith("msgstr "))
        except StopIteration:
            continue
        msgid = _unquote(lines[start:stop])
        if msgid not in translations or "msgid_plural" in entry:
            continue
        head = [re.sub(r",\s*fuzzy", "", line) if line.startswith("#,") else line
                for line in lines[:start] if not line.startswith("#| ")]
        head = [line for line in head if line.strip() != "#,"]
        entries[i] = "\n".join([*head, *lines[start:stop],
                                f"msgstr {_quote(translations[msgid])}"])
        done += 1
    po.write_text("\n\n".join(entries), "utf-8")
    return done


if __name__ == "__main__":
    count = fill(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text("utf-8")))
    print(f"{count} messages filled")
