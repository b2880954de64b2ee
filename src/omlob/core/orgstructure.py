"""Validate an uploaded organisation structure and turn it into an import plan.

A municipality's structure (forvaltning → område → institution, with EAN location
numbers and cost centres) is maintained by people in spreadsheets. Importing a broken
structure is costly: invoices get routed to the wrong unit and spend is attributed to
the wrong place. So the whole file is checked before anything is written, every problem
is reported at once (nobody wants to upload twenty times to find twenty errors), each
message is in Danish and names the row the user sees in Excel, and the accepted units
come out parents-first so the caller can insert them in one pass.

Nothing here touches the database: what already exists is passed in as plain mappings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from omlob.core.codes import CodeError, normalise_gln
from omlob.core.tabular import Table, normalise_header

__all__ = [
    "COLUMN_SYNONYMS",
    "EXPECTED_HEADERS",
    "KINDS",
    "MAX_CODE_LENGTH",
    "MAX_COST_CENTRE_LENGTH",
    "MAX_NAME_LENGTH",
    "REQUIRED_FIELDS",
    "RowError",
    "StructurePlan",
    "UnitRow",
    "parse_structure",
    "resolve_kind",
]

#: Canonical unit kinds and their Danish labels, in the order they are shown to users.
KINDS: dict[str, str] = {
    "forvaltning": "Forvaltning",
    "omraade": "Område",
    "institution": "Institution",
    "school": "Skole",
    "daycare": "Dagtilbud",
    "kitchen": "Køkken",
    "care_home": "Plejecenter",
    "office": "Administration",
    "other": "Andet",
}

# Words people actually write in a "Type" column, beyond the code and the label.
_KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "forvaltning": ("Forvaltning", "Direktorat", "Directorate", "Department", "Division"),
    "omraade": ("Område", "Omraade", "Omrade", "Area", "Distrikt", "District", "Region"),
    "institution": ("Institution", "Enhed", "Unit"),
    "school": ("Skole", "School", "Folkeskole", "Specialskole", "Ungdomsskole", "Skolen"),
    "daycare": (
        "Dagtilbud",
        "Daycare",
        "Day care",
        "Daginstitution",
        "Børnehave",
        "Vuggestue",
        "Dagpleje",
        "Integreret institution",
        "Kindergarten",
        "Nursery",
    ),
    "kitchen": (
        "Køkken",
        "Kitchen",
        "Storkøkken",
        "Produktionskøkken",
        "Centralkøkken",
        "Kantine",
        "Canteen",
    ),
    "care_home": (
        "Plejecenter",
        "Plejehjem",
        "Plejebolig",
        "Care home",
        "Nursing home",
        "Care_home",
    ),
    "office": ("Administration", "Office", "Kontor", "Rådhus", "Town hall"),
    "other": ("Andet", "Other", "Øvrig", "Øvrige", "Diverse"),
}

#: Accepted header names per field (Danish and English); matched with normalise_header.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": (
        "Enhedskode",
        "Kode",
        "Enheds-id",
        "Enhedsnummer",
        "ID",
        "Nummer",
        "Unit code",
        "Unit ID",
        "Code",
    ),
    "name": ("Navn", "Enhed", "Enhedsnavn", "Name", "Unit name"),
    "kind": ("Type", "Art", "Enhedstype", "Kind", "Unit type"),
    "parent_code": (
        "Overordnet",
        "Overordnet kode",
        "Overordnet enhed",
        "Overordnet enhedskode",
        "Forælder",
        "Foraelder",
        "Parent",
        "Parent code",
    ),
    "eans": ("EAN", "EAN-nr.", "EAN-nummer", "EAN-numre", "GLN", "EAN/GLN", "EAN-lokationsnummer"),
    "cost_centres": (
        "Omkostningssted",
        "Omkostningssteder",
        "Omk.sted",
        "Cost centre",
        "Cost center",
        "Cost centres",
        "Cost centers",
    ),
}

#: The first synonym of each field: the header Omløb writes when it exports a structure.
CANONICAL_HEADERS: tuple[str, ...] = tuple(names[0] for names in COLUMN_SYNONYMS.values())

#: Every accepted header name; pass to ``read_table(expected_headers=...)``.
EXPECTED_HEADERS: tuple[str, ...] = tuple(
    name for names in COLUMN_SYNONYMS.values() for name in names
)

REQUIRED_FIELDS: tuple[str, ...] = ("code", "name")

# The name used for a field in messages when the file has no such column.
_FIELD_LABELS: dict[str, str] = {
    "code": "Enhedskode",
    "name": "Navn",
    "kind": "Type",
    "parent_code": "Overordnet",
    "eans": "EAN",
    "cost_centres": "Omkostningssted",
}

MAX_CODE_LENGTH = 64
MAX_NAME_LENGTH = 200
MAX_COST_CENTRE_LENGTH = 64

_EMPTY: Mapping[str, str] = MappingProxyType({})
_EMPTY_PARENTS: Mapping[str, str | None] = MappingProxyType({})

_LIST_SEPARATORS = re.compile(r"[,;/\r\n]+")
_ANY_SEPARATOR = re.compile(r"[,;/\s]+")
# "5798 0000 0000 1": one EAN typed in groups, not four codes.
_GROUPED_NUMBER = re.compile(r"\d[\d \-\u00a0]*\d")
# "5,798E+12": Excel's scientific notation; keep whole so the EAN check explains it.
_SCIENTIFIC = re.compile(r"\s*\d+([.,]\d+)?[eE][+-]?\d+\s*")


@dataclass(frozen=True)
class UnitRow:
    """One accepted unit from the file; ``row`` is the row number the user sees."""

    row: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    eans: tuple[str, ...]
    cost_centres: tuple[str, ...]


@dataclass(frozen=True)
class RowError:
    """A problem with the file; ``row`` and ``column`` are None when it is file-wide.

    ``column`` is the header exactly as written in the file so the user can find it;
    ``message`` is Danish and complete on its own.
    """

    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        """Render as one line for logs and simple lists: "Række 4, kolonne 'EAN': …"."""
        where: list[str] = []
        if self.row is not None:
            where.append(f"Række {self.row}")
        if self.column is not None:
            where.append(f"kolonne {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class StructurePlan:
    """The outcome of checking a file: units parents-first, and every error found.

    ``units`` is filled even when there are errors so a preview can be shown, but it
    must only be imported when ``ok``. ``columns`` maps each recognised field to the
    header used in the file.
    """

    units: list[UnitRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong and the units can be imported as they are."""
        return not self.errors


def _kind_key(text: str) -> str:
    """Comparison key for kind values: like headers, plus æ/ø/å spelled as ae/oe/aa."""
    return normalise_header(text).replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


_KIND_LOOKUP: dict[str, str] = {}
for _code, _label in KINDS.items():
    for _alias in (_code, _label, *_KIND_ALIASES.get(_code, ())):
        _KIND_LOOKUP.setdefault(_kind_key(_alias), _code)


def resolve_kind(value: str) -> str | None:
    """Return the canonical kind for a code, label or common synonym, else None.

    Accepts "Skole", "school", "Børnehave" (→ daycare), "Storkøkken" (→ kitchen), in any
    case and with or without Danish letters spelled out.
    """
    key = _kind_key(value)
    return _KIND_LOOKUP.get(key) if key else None


@dataclass
class _Draft:
    """A row being checked; becomes a UnitRow once all cross-row checks are done."""

    row: int
    code: str
    name: str
    kind: str | None
    parent_code: str | None
    eans: list[str]
    cost_centres: list[str]
    duplicate: bool = False


def parse_structure(
    table: Table,
    *,
    existing_codes: Mapping[str, str | None] = _EMPTY_PARENTS,
    existing_eans: Mapping[str, str] = _EMPTY,
    existing_cost_centres: Mapping[str, str] = _EMPTY,
) -> StructurePlan:
    """Check an org-structure table and return the units parents-first plus all errors.

    ``existing_codes`` maps codes already in the database to their parent code, so rows
    may hang under existing units; ``existing_eans``/``existing_cost_centres`` map values
    to the code of the unit that owns them, so a value cannot silently be taken from
    another unit. Rows in the file override the database for the same code.
    Bad data never raises: everything is collected in ``StructurePlan.errors``.
    """
    plan = StructurePlan()
    columns, column_errors = _match_columns(table.header)
    plan.columns = {name: table.header[index] for name, index in columns.items()}
    plan.errors.extend(column_errors)
    missing = [name for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        plan.errors.append(_missing_columns_error(missing, table.header))
        return plan
    if not table.rows:
        plan.errors.append(
            RowError(
                None,
                None,
                None,
                f"Filen indeholder ingen enheder under overskriftsrækken (række "
                f"{table.header_row}).",
            )
        )
        return plan

    drafts = _read_rows(table, columns, plan.errors)
    units = [draft for draft in drafts if not draft.duplicate]
    by_code = {draft.code: draft for draft in units}
    header = plan.columns.get

    _check_unique_values(
        units,
        lambda draft: draft.eans,
        existing_eans,
        set(by_code),
        header("eans"),
        "EAN-nummeret",
        plan.errors,
    )
    _check_unique_values(
        units,
        lambda draft: draft.cost_centres,
        existing_cost_centres,
        set(by_code),
        header("cost_centres"),
        "Omkostningsstedet",
        plan.errors,
    )
    graph_parent = _check_parents(units, by_code, existing_codes, header("parent_code"), plan)
    _check_cycles(units, by_code, graph_parent, existing_codes, header("parent_code"), plan)

    plan.units = [
        UnitRow(
            row=draft.row,
            code=draft.code,
            name=draft.name,
            kind=draft.kind or ("institution" if draft.parent_code else "forvaltning"),
            parent_code=draft.parent_code,
            eans=tuple(draft.eans),
            cost_centres=tuple(draft.cost_centres),
        )
        for draft in _parents_first(units, by_code, graph_parent)
    ]
    plan.errors.sort(key=lambda error: -1 if error.row is None else error.row)
    return plan


# --- columns -------------------------------------------------------------------------


def _match_columns(header: Sequence[str]) -> tuple[dict[str, int], list[RowError]]:
    """Map fields to column indexes by header synonyms; two columns for one field is an error.

    Unknown columns are ignored on purpose: municipalities keep notes and extra
    columns in the same sheet and should not have to delete them before uploading.
    """
    lookup = {
        normalise_header(name): field_name
        for field_name, names in COLUMN_SYNONYMS.items()
        for name in names
    }
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    for index, name in enumerate(header):
        field_name = lookup.get(normalise_header(name))
        if field_name is None:
            continue
        if field_name in columns:
            first = header[columns[field_name]]
            errors.append(
                RowError(
                    None,
                    name,
                    None,
                    f"Kolonnerne {first!r} og {name!r} betyder begge "
                    f"{_FIELD_LABELS[field_name].lower()!r}. Slet eller omdøb den ene, så "
                    "det er entydigt hvilken der skal bruges.",
                )
            )
            continue
        columns[field_name] = index
    return columns, errors


def _missing_columns_error(missing: Sequence[str], header: Sequence[str]) -> RowError:
    """Explain which required columns are missing, what was found and what is accepted."""
    labels = ", ".join(repr(_FIELD_LABELS[name]) for name in missing)
    found = ", ".join(repr(name) for name in header) or "ingen"
    accepted = "; ".join(
        f"{_FIELD_LABELS[name]}: {', '.join(COLUMN_SYNONYMS[name])}" for name in missing
    )
    noun = "kolonnen" if len(missing) == 1 else "kolonnerne"
    return RowError(
        None,
        None,
        None,
        f"Filen mangler {noun} {labels}. Fundne kolonner: {found}. Tilladte overskrifter "
        f"er {accepted}.",
    )


# --- single rows ---------------------------------------------------------------------


def _read_rows(table: Table, columns: Mapping[str, int], errors: list[RowError]) -> list[_Draft]:
    """Check each row on its own (required cells, lengths, kind, EAN format, duplicates)."""
    drafts: list[_Draft] = []
    first_row_of: dict[str, int] = {}
    header = table.header

    def cell(values: Sequence[str], name: str) -> str:
        index = columns.get(name)
        return values[index].strip() if index is not None else ""

    for position, values in enumerate(table.rows):
        row = table.row_number(position)
        code = cell(values, "code")
        name = cell(values, "name")
        code_header = header[columns["code"]]
        name_header = header[columns["name"]]

        if not code:
            errors.append(
                RowError(
                    row,
                    code_header,
                    None,
                    f"Enhedskoden mangler{f' for {name!r}' if name else ''}. Alle enheder skal "
                    "have en kode, så de kan genkendes ved næste import.",
                )
            )
        elif len(code) > MAX_CODE_LENGTH:
            errors.append(
                RowError(
                    row,
                    code_header,
                    code,
                    f"Enhedskoden er for lang ({len(code)} tegn, højst {MAX_CODE_LENGTH}).",
                )
            )
        if not name:
            errors.append(
                RowError(
                    row,
                    name_header,
                    None,
                    f"Navnet mangler{f' for enheden {code!r}' if code else ''}.",
                )
            )
        elif len(name) > MAX_NAME_LENGTH:
            errors.append(
                RowError(
                    row,
                    name_header,
                    name,
                    f"Navnet er for langt ({len(name)} tegn, højst {MAX_NAME_LENGTH}).",
                )
            )

        kind: str | None = None
        kind_text = cell(values, "kind")
        if kind_text:
            kind = resolve_kind(kind_text)
            if kind is None:
                allowed = ", ".join(f"{label} ({code_})" for code_, label in KINDS.items())
                errors.append(
                    RowError(
                        row,
                        header[columns["kind"]],
                        kind_text,
                        f"Ukendt enhedstype {kind_text!r}. Tilladte typer er: {allowed}.",
                    )
                )

        eans = _read_eans(cell(values, "eans"), row, header, columns, errors)
        cost_centres = _read_cost_centres(
            cell(values, "cost_centres"), row, header, columns, errors
        )

        if not code:
            continue
        duplicate = code in first_row_of
        if duplicate:
            errors.append(
                RowError(
                    row,
                    code_header,
                    code,
                    f"Enhedskoden {code!r} står flere gange i filen: række {first_row_of[code]} "
                    f"og række {row}. Hver enhed må kun stå én gang.",
                )
            )
        else:
            first_row_of[code] = row
        drafts.append(
            _Draft(
                row=row,
                code=code,
                name=name,
                kind=kind,
                parent_code=cell(values, "parent_code") or None,
                eans=eans,
                cost_centres=cost_centres,
                duplicate=duplicate,
            )
        )
    return drafts


def _split_eans(text: str) -> list[str]:
    """Split an EAN cell into candidate numbers.

    Separators are comma, semicolon, slash, newline and whitespace, except that a run of
    digit groups adding up to 13 digits is one EAN typed with spaces, and Excel's
    scientific notation is kept whole so the EAN check can explain what happened.
    """
    if _SCIENTIFIC.fullmatch(text):
        return [text.strip()]
    tokens: list[str] = []
    for chunk in _LIST_SEPARATORS.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        digits = sum(char.isdigit() for char in chunk)
        if _GROUPED_NUMBER.fullmatch(chunk) and digits == 13:
            tokens.append(chunk)
        else:
            tokens.extend(chunk.split())
    return tokens


def _read_eans(
    text: str,
    row: int,
    header: Sequence[str],
    columns: Mapping[str, int],
    errors: list[RowError],
) -> list[str]:
    """Validate every EAN in a cell; invalid ones are reported and left out."""
    if not text:
        return []
    column = header[columns["eans"]]
    result: list[str] = []
    for token in _split_eans(text):
        try:
            ean = normalise_gln(token)
        except CodeError as exc:
            errors.append(RowError(row, column, token, exc.message))
            continue
        if ean not in result:
            result.append(ean)
    return result


def _read_cost_centres(
    text: str,
    row: int,
    header: Sequence[str],
    columns: Mapping[str, int],
    errors: list[RowError],
) -> list[str]:
    """Split a cost-centre cell; codes are free text but must fit the database column."""
    if not text:
        return []
    column = header[columns["cost_centres"]]
    result: list[str] = []
    for token in _ANY_SEPARATOR.split(text):
        if not token:
            continue
        if len(token) > MAX_COST_CENTRE_LENGTH:
            errors.append(
                RowError(
                    row,
                    column,
                    token,
                    f"Omkostningsstedet er for langt ({len(token)} tegn, højst "
                    f"{MAX_COST_CENTRE_LENGTH}).",
                )
            )
            continue
        if token not in result:
            result.append(token)
    return result


# --- across rows ---------------------------------------------------------------------


def _check_unique_values(
    units: Sequence[_Draft],
    values_of: Callable[[_Draft], Sequence[str]],
    existing: Mapping[str, str],
    file_codes: set[str],
    column: str | None,
    noun: str,
    errors: list[RowError],
) -> None:
    """Each EAN/cost centre may belong to one unit, in the file and in the database.

    A value owned in the database by a unit that is also in the file is allowed to
    move: that unit's row redefines its values. Otherwise the owner would silently lose
    it, which is exactly the kind of mistake that misroutes invoices.
    """
    owner_in_file: dict[str, _Draft] = {}
    for draft in units:
        for value in values_of(draft):
            first = owner_in_file.get(value)
            if first is not None:
                errors.append(
                    RowError(
                        draft.row,
                        column,
                        value,
                        f"{noun} {value} står både på række {first.row} (enhed {first.code!r}) "
                        f"og række {draft.row} (enhed {draft.code!r}). Det kan kun høre til én "
                        "enhed.",
                    )
                )
                continue
            owner_in_file[value] = draft
            owner = existing.get(value)
            if owner is not None and owner != draft.code and owner not in file_codes:
                errors.append(
                    RowError(
                        draft.row,
                        column,
                        value,
                        f"{noun} {value} tilhører allerede enheden {owner!r}. Skal det flyttes "
                        f"til {draft.code!r}, så tag {owner!r} med i filen uden det.",
                    )
                )


def _check_parents(
    units: Sequence[_Draft],
    by_code: Mapping[str, _Draft],
    existing_codes: Mapping[str, str | None],
    column: str | None,
    plan: StructurePlan,
) -> dict[str, str | None]:
    """Report self-parents and unknown parents; return the parent links to follow.

    Broken links are dropped from the returned graph so each problem is reported once,
    not again as a cycle or an ordering problem.
    """
    graph_parent: dict[str, str | None] = {}
    known = {code.casefold(): code for code in (*existing_codes, *by_code)}
    for draft in units:
        parent = draft.parent_code
        graph_parent[draft.code] = None
        if parent is None:
            continue
        if parent == draft.code:
            plan.errors.append(
                RowError(
                    draft.row,
                    column,
                    parent,
                    f"Enheden {draft.code!r} kan ikke være sin egen overordnede enhed.",
                )
            )
            continue
        if parent not in by_code and parent not in existing_codes:
            hint = known.get(parent.casefold())
            plan.errors.append(
                RowError(
                    draft.row,
                    column,
                    parent,
                    f"Den overordnede enhed {parent!r} findes hverken i filen eller blandt "
                    "organisationens eksisterende enheder."
                    + (
                        f" Mente du {hint!r}? Der skelnes mellem store og små bogstaver."
                        if hint
                        else ""
                    ),
                )
            )
            continue
        graph_parent[draft.code] = parent
    return graph_parent


def _check_cycles(
    units: Sequence[_Draft],
    by_code: Mapping[str, _Draft],
    graph_parent: Mapping[str, str | None],
    existing_codes: Mapping[str, str | None],
    column: str | None,
    plan: StructurePlan,
) -> None:
    """Report every loop in the parent links once, listing all rows involved.

    File rows take precedence over the database, so a file can create a loop through an
    existing unit (A under X in the file, X under A in the database) and that is caught.
    """

    def parent_of(code: str) -> str | None:
        if code in graph_parent:
            return graph_parent[code]
        return existing_codes.get(code) or None

    finished: set[str] = set()
    for start in units:
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start.code
        while node is not None and node not in finished and node not in position:
            position[node] = len(path)
            path.append(node)
            node = parent_of(node)
        finished.update(path)
        if node is None or node not in position:
            continue
        cycle = path[position[node] :]
        in_file = [code for code in cycle if code in by_code]
        if not in_file:
            continue  # a loop purely inside the database is not this file's doing
        first = min(in_file, key=lambda code: by_code[code].row)
        shift = cycle.index(first)
        ordered = cycle[shift:] + cycle[:shift]
        rows = sorted(by_code[code].row for code in in_file)
        chain = " → ".join([*ordered, first])
        plan.errors.append(
            RowError(
                by_code[first].row,
                column,
                by_code[first].parent_code,
                f"Cyklus i overordnede enheder: {chain} "
                f"(række {', '.join(str(row) for row in rows)})",
            )
        )


def _parents_first(
    units: Sequence[_Draft],
    by_code: Mapping[str, _Draft],
    graph_parent: Mapping[str, str | None],
) -> list[_Draft]:
    """Order units so every parent in the file comes before its children.

    Otherwise file order is kept, which keeps siblings together as the user wrote them.
    Units caught in a cycle are still emitted (once each) so a preview can show them.
    """
    emitted: set[str] = set()
    ordered: list[_Draft] = []
    for draft in units:
        chain: list[str] = []
        seen: set[str] = set()
        node: str | None = draft.code
        while node is not None and node in by_code and node not in emitted and node not in seen:
            chain.append(node)
            seen.add(node)
            node = graph_parent.get(node)
        for code in reversed(chain):
            emitted.add(code)
            ordered.append(by_code[code])
    return ordered
