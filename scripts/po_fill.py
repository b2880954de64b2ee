"""Fill msgstr entries of a gettext catalogue from a JSON file {msgid: msgstr} and drop their
fuzzy flags and previous-msgid (#|) comments. A maintainer's tool for `make messages`; uses only
the standard library.

A plural entry (one with msgid_plural) is keyed by its singular msgid and takes a list with one
string per plural form (msgstr[0], msgstr[1], ... as many as the header's Plural-Forms says).
Every translation must keep the placeholders (%(name)s, %s, %d) of its msgid; the file is not
written if one does not.

Usage:
  python scripts/po_fill.py src/omlob/locale/en/LC_MESSAGES/django.po translations.json
  python scripts/po_fill.py --todo src/omlob/locale/en/LC_MESSAGES/django.po > todo.json
      (the untranslated and fuzzy entries, as a JSON file to fill in)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[sdif]")


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line[line.index('"') :]) for line in lines)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _field_lines(keyword: str, text: str, width: int = 79) -> list[str]:
    """`keyword "text"`, wrapped at spaces and after newlines like gettext's own tools."""
    single = f"{keyword} {_quote(text)}"
    if len(single) <= width and "\n" not in text[:-1]:
        return [single]
    chunks: list[str] = []
    for part in re.findall(r"[^\n]*\n|[^\n]+", text):
        line = ""
        for word in re.findall(r"\S*\s*", part):
            if line and len(_quote(line + word)) > width:
                chunks.append(line)
                line = ""
            line += word
        if line:
            chunks.append(line)
    return [f'{keyword} ""', *(_quote(chunk) for chunk in chunks)]


def _field(lines: list[str], keyword: str) -> tuple[int, int] | None:
    """Line range of a field (`msgid`, `msgid_plural`, `msgstr`, `msgstr[0]`) and its
    continuation lines."""
    start = next((n for n, line in enumerate(lines) if line.startswith(keyword + " ")), None)
    if start is None:
        return None
    stop = start + 1
    while stop < len(lines) and lines[stop].startswith('"'):
        stop += 1
    return start, stop


def _parse(entry: str) -> dict | None:
    lines = entry.split("\n")
    msgid = _field(lines, "msgid")
    if msgid is None:
        return None
    plural = _field(lines, "msgid_plural")
    forms: list[str] = []
    if plural is None:
        msgstr = _field(lines, "msgstr")
        if msgstr is None:
            return None
        forms.append(_unquote(lines[msgstr[0] : msgstr[1]]))
        first = msgstr[0]
    else:
        first = None
        n = 0
        while (form := _field(lines, f"msgstr[{n}]")) is not None:
            forms.append(_unquote(lines[form[0] : form[1]]))
            first = form[0] if first is None else first
            n += 1
        if first is None:
            return None
    return {
        "lines": lines,
        "msgid": _unquote(lines[msgid[0] : msgid[1]]),
        "plural": None if plural is None else _unquote(lines[plural[0] : plural[1]]),
        "forms": forms,
        "first_msgstr": first,
        "fuzzy": any(line.startswith("#,") and "fuzzy" in line for line in lines),
    }


def _nplurals(entries: list[str]) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", entries[0] if entries else "")
    return int(match.group(1)) if match else 2


def _unfuzzy(flags: str) -> str:
    """A `#,` flags line without the fuzzy flag; empty when no flag is left."""
    kept = [flag.strip() for flag in flags[2:].split(",") if flag.strip() not in ("", "fuzzy")]
    return "#, " + ", ".join(kept) if kept else ""


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def todo(po: Path) -> dict[str, str | list[str]]:
    entries = po.read_text("utf-8").split("\n\n")
    nplurals = _nplurals(entries)
    result: dict[str, str | list[str]] = {}
    for entry in entries:
        parsed = _parse(entry)
        if parsed is None or not parsed["msgid"]:
            continue
        if parsed["fuzzy"] or not all(parsed["forms"]):
            result[parsed["msgid"]] = "" if parsed["plural"] is None else [""] * nplurals
    return result


def fill(po: Path, translations: dict[str, str | list[str]]) -> int:
    text = po.read_text("utf-8")
    entries = text.split("\n\n")
    nplurals = _nplurals(entries)
    problems: list[str] = []
    done = 0
    for i, entry in enumerate(entries):
        parsed = _parse(entry)
        if parsed is None or not parsed["msgid"] or parsed["msgid"] not in translations:
            continue
        msgid, plural, lines = parsed["msgid"], parsed["plural"], parsed["lines"]
        value = translations[msgid]
        if plural is None:
            if not isinstance(value, str):
                problems.append(f"{msgid!r}: expected a string, not {type(value).__name__}")
                continue
            forms = [value]
            sources = [msgid]
        else:
            if not isinstance(value, list) or len(value) != nplurals:
                problems.append(f"{msgid!r}: expected a list of {nplurals} plural forms")
                continue
            forms = value
            sources = [msgid] + [plural] * (nplurals - 1)
        for form, source in zip(forms, sources, strict=True):
            if not form:
                problems.append(f"{msgid!r}: empty translation")
            elif _placeholders(form) != _placeholders(source):
                problems.append(
                    f"{msgid!r}: placeholders {_placeholders(source)} != "
                    f"{_placeholders(form)} in {form!r}"
                )
        # Everything after the last msgstr line (normally only the file's final newline).
        tail = entry[len(entry.rstrip("\n")) :]
        head = [
            _unfuzzy(line) if line.startswith("#,") else line
            for line in lines[: parsed["first_msgstr"]]
            if not line.startswith("#|")
        ]
        head = [line for line in head if line]
        if plural is None:
            body = _field_lines("msgstr", forms[0])
        else:
            body = [
                line for n, form in enumerate(forms) for line in _field_lines(f"msgstr[{n}]", form)
            ]
        entries[i] = "\n".join([*head, *body]) + tail
        done += 1
    if problems:
        raise SystemExit("Not written:\n  " + "\n  ".join(problems))
    po.write_text("\n\n".join(entries), "utf-8")
    return done


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--todo":
        print(json.dumps(todo(Path(sys.argv[2])), ensure_ascii=False, indent=2))
    elif len(sys.argv) == 3:
        count = fill(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text("utf-8")))
        print(f"{count} messages filled")
    else:
        raise SystemExit(__doc__)
