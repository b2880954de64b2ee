"""``omlob classify``, ``classify-text`` and the supplier master data: classification on the
terminal.

``classify`` re-classifies an organisation's lines with a progress bar (the same code as the
worker). ``classify-text`` reads one description per line on standard input, optionally
``supplier_cvr<TAB>description``, and prints ``unspsc<TAB>product<TAB>confidence<TAB>labels``
per line: the same cascade without a database (with ``--org``, the organisation's
confirmations, rules and model take part too). ``supplier-items`` and ``supplier-trades``
load the master data the cascade reads (:mod:`omlob.classification.masterdata`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from omlob.cli import CliError, ProgressBar, emit, organisation

CHUNK = 5000


def register(sub: Any) -> None:
    p = sub.add_parser("classify", help="klassificér en organisations indkøbslinjer igen")
    p.add_argument("--org", required=True, metavar="SLUG")
    p.add_argument("--batch", type=int, action="append", metavar="ID", help="kun disse batcher")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=classify)

    p = sub.add_parser(
        "classify-text",
        help="klassificér tekster fra standard input (én pr. linje, evt. CVR<TAB>tekst)",
    )
    p.add_argument("--org", metavar="SLUG", help="brug også organisationens regler og model")
    p.set_defaults(handler=classify_text)

    p = sub.add_parser(
        "supplier-items",
        help="indlæs en leverandørs varefil (varenr., beskrivelse, mærker/øko) til klassifikation",
    )
    p.add_argument("--org", required=True, metavar="SLUG")
    p.add_argument("--supplier", required=True, metavar="CVR")
    p.add_argument("--json", action="store_true")
    p.add_argument("file", metavar="FILE", type=Path)
    p.set_defaults(handler=supplier_items)

    p = sub.add_parser(
        "supplier-trades", help="indlæs leverandørers branchekoder (CVR, navn, NACE/DB07)"
    )
    p.add_argument("--org", required=True, metavar="SLUG")
    p.add_argument("--json", action="store_true")
    p.add_argument("file", metavar="FILE", type=Path)
    p.set_defaults(handler=supplier_trades)


def classify(args: argparse.Namespace) -> int:
    from omlob.classification import actions
    from omlob.spend.models import Batch

    org = organisation(args.org)
    batches = None
    if args.batch:
        batches = list(Batch.objects.filter(organisation=org, pk__in=args.batch))
        missing = set(args.batch) - {b.pk for b in batches}
        if missing:
            raise CliError(f"batch {', '.join(map(str, sorted(missing)))} findes ikke i {org.slug}")
    bar = ProgressBar(enabled=not args.json and sys.stderr.isatty())
    try:
        result = actions.classify(org, batches, bar)
    finally:
        bar.close()
    result.pop("model_row", None)
    share = result.get("high_spend_share")
    text = (
        f"{result['lines']} linjer i {result['batches']} batcher klassificeret på "
        f"{result['seconds']} s; "
        + (f"{share:.1%} af beløbet med høj sikkerhed." if share is not None else "intet beløb.")
    )
    emit(args, {"organisation": org.slug, **result}, text)
    return 0


def _split(line: str) -> tuple[str | None, str]:
    """``cvr<TAB>text`` or just ``text``; the first field counts as a CVR only if it is one."""
    if "\t" in line:
        first, rest = line.split("\t", 1)
        digits = first.strip().upper().removeprefix("DK").replace(" ", "")
        if digits.isdigit() and 6 <= len(digits) <= 10:
            return digits, rest
    return None, line


def classify_text(args: argparse.Namespace) -> int:
    from omlob.classification import actions
    from omlob.core.classify.cascade import Knowledge, classify_texts
    from omlob.core.classify.taxonomy import load_taxonomy

    if args.org:
        knowledge = actions.knowledge_for(organisation(args.org))
    else:
        knowledge = Knowledge(taxonomy=load_taxonomy(), model=actions.base_text_model())
    out = sys.stdout
    stdin = sys.stdin
    # Undecodable bytes in the input must not stop the run: they become U+FFFD.
    if hasattr(stdin, "reconfigure"):
        stdin.reconfigure(errors="replace")
    buffer: list[str] = []

    def flush() -> None:
        rows = []
        for line in buffer:
            cvr, text = _split(line.rstrip("\r\n"))
            rows.append({"supplier_cvr": cvr, "description": text})
        for decision in classify_texts(knowledge, rows):
            out.write(
                f"{decision.unspsc}\t{decision.product or ''}\t{decision.confidence:.2f}\t"
                f"{','.join(decision.labels)}\n"
            )
        out.flush()
        buffer.clear()

    for line in stdin:
        buffer.append(line)
        if len(buffer) >= CHUNK:
            flush()
    if buffer:
        flush()
    return 0


def _master(args: argparse.Namespace, kind: str) -> int:
    from omlob.classification import actions, masterdata
    from omlob.classification.models import ClassificationJob
    from omlob.core.tabular import TableError

    org = organisation(args.org)
    if not args.file.is_file():
        raise CliError(f"filen {args.file} findes ikke")
    data = args.file.read_bytes()
    try:
        if kind == "items":
            loaded = masterdata.load_items(org, args.supplier, data, args.file.name)
        else:
            loaded = masterdata.load_trades(org, data, args.file.name)
    except TableError as exc:
        raise CliError(exc.message) from exc
    job = actions.queue_job(org, ClassificationJob.Kind.CLASSIFY, None)
    emit(
        args,
        {"created": loaded.created, "updated": loaded.updated, "classification_job": job.pk},
        f"{loaded.created} nye og {loaded.updated} ændrede rækker; linjerne klassificeres igen "
        f"af arbejderen (kørsel {job.pk}).",
    )
    return 0


def supplier_items(args: argparse.Namespace) -> int:
    return _master(args, "items")


def supplier_trades(args: argparse.Namespace) -> int:
    return _master(args, "trades")
