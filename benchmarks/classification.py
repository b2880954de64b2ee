"""Measure the classification cascade: accuracy on the evaluation set, demo spend, throughput.

Usage: .venv/bin/python benchmarks/classification.py [--eval FILE] [--demo-lines 30000]
       [--lines 1000000] [--keep DIR] [--skip-throughput]

Prints, each measured in this run:

* **Accuracy** on the labelled evaluation set (``benchmarks/data/classification_eval.csv``,
  written apart from all training texts and rules, see its README): accuracy and macro-F1
  at UNSPSC segment and family level for lines without a code (goals ≥ 0.95 and ≥ 0.85),
  product accuracy where the set names one, organic precision and recall (goal ≥ 0.98).
* **Demo spend classified with high confidence** (goal ≥ 95 %): the demo year that
  ``make run`` loads (five files: CSV, XLSX, OIOUBL and PEPPOL), imported with the real
  pipeline and classified with the base model.
* **Throughput** of the whole cascade on ``--lines`` purchase lines (the synthetic
  export of ``benchmarks/csv_import.py``, imported once), on one core (goal ≥ 50,000
  lines/s per core), and the time to re-classify after one rule change (affected lines
  only), with how many lines that touched.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import duckdb

from omlob.core.classify.cascade import (
    Knowledge,
    affected_condition,
    classify_table,
    classify_texts,
    reclassify,
)
from omlob.core.classify.labels import ORGANIC
from omlob.core.classify.model import base_model, evaluate_predictions
from omlob.core.classify.rules import Rule, RuleSet
from omlob.core.classify.taxonomy import load_taxonomy
from omlob.core.purchase_import import ImportOptions, Lookups, PurchaseImport
from omlob.core.purchase_sources import inspect

HERE = Path(__file__).resolve().parent
EVAL = HERE / "data" / "classification_eval.csv"


def _knowledge(cache: Path) -> Knowledge:
    taxonomy = load_taxonomy()
    started = time.perf_counter()
    model = base_model(taxonomy, cache)
    print(
        f"base model {model.version}: {model.examples:,} training examples, "
        f"loaded or trained in {time.perf_counter() - started:.1f} s; held-out evaluation "
        + ", ".join(f"{k} {v:.3f}" for k, v in model.metrics.items() if k != "held_out")
    )
    return Knowledge(taxonomy=taxonomy, model=model)


def evaluate(knowledge: Knowledge, path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    print(f"\n== evaluation set: {path.name}, {len(rows):,} lines ==")
    started = time.perf_counter()
    decisions = classify_texts(
        knowledge,
        [{"description": r["text"], "supplier_name": r.get("supplier_name") or None} for r in rows],
    )
    seconds = time.perf_counter() - started
    truth = [r["unspsc_family"] or r["unspsc_segment"] for r in rows]
    predicted = [(d.unspsc or "00000000") for d in decisions]
    # A prediction at segment level only counts as wrong at family level.
    predicted_family = [
        p if p[4:6] != "00" or p[2:4] != "00" else p[:2] + "XX" + p[4:] for p in predicted
    ]
    seg = evaluate_predictions(
        [t[:2] + "000000" for t in truth], [p[:2] + "000000" for p in predicted]
    )
    fam = evaluate_predictions(truth, predicted_family)
    print(f"classified in {seconds:.2f} s ({len(rows) / seconds:,.0f} texts/s)")
    print(
        f"segment: accuracy {seg['segment_accuracy']:.3f}, "
        f"macro-F1 {seg['segment_macro_f1']:.3f}  (goal ≥ 0.95)"
    )
    print(
        f"family:  accuracy {fam['family_accuracy']:.3f}, "
        f"macro-F1 {fam['family_macro_f1']:.3f}  (goal ≥ 0.85)"
    )
    with_product = [(r, d) for r, d in zip(rows, decisions, strict=True) if r.get("product")]
    if with_product:
        hits = sum(1 for r, d in with_product if d.product == r["product"])
        print(
            f"product: {hits / len(with_product):.3f} "
            f"of {len(with_product):,} lines with a product label"
        )
    tp = sum(
        1
        for r, d in zip(rows, decisions, strict=True)
        if r["organic"] == "1" and ORGANIC in d.labels
    )
    fp = sum(
        1
        for r, d in zip(rows, decisions, strict=True)
        if r["organic"] != "1" and ORGANIC in d.labels
    )
    fn = sum(
        1
        for r, d in zip(rows, decisions, strict=True)
        if r["organic"] == "1" and ORGANIC not in d.labels
    )
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    print(
        f"organic: precision {precision:.3f}, recall {recall:.3f} "
        f"({tp + fn} organic lines; goal ≥ 0.98 both)"
    )
    steps = Counter(d.step for d in decisions)
    print("decided by: " + ", ".join(f"{k} {v}" for k, v in steps.most_common()))


def _import(files: list[Path], workdir: Path, lines_path: Path) -> float:
    started = time.perf_counter()
    with PurchaseImport(workdir, ImportOptions()) as imp:
        for path in files:
            info = inspect(path, path.name)
            imp.add(path, path.name, info, None if info.kind == "ubl" else info.suggested)
        imp.finish(Lookups(1), 1, lines_path, workdir / "rejects.parquet")
    return time.perf_counter() - started


def demo_share(knowledge: Knowledge, lines: int, folder: Path) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omlob.settings")
    os.environ.setdefault("OMLOB_VAR_DIR", str(folder / "var"))
    django.setup()  # the demo writer lives in the Django app; no database is touched
    from omlob.spend.demo import write_demo_files

    print(f"\n== demo year ({lines:,} lines in five files) ==")
    files = write_demo_files(folder / "demo-files", 2025, lines)
    lines_path = folder / "demo-lines.parquet"
    _import(files, folder / "demo-work", lines_path)
    con = duckdb.connect()
    con.execute(f"CREATE VIEW l AS SELECT * FROM read_parquet('{lines_path}')")
    started = time.perf_counter()
    result = classify_table(con, "l", knowledge)
    seconds = time.perf_counter() - started
    con.register("r", result)
    row = con.execute(
        "SELECT count(*), sum(abs(net_amount_dkk)), "
        "sum(abs(net_amount_dkk)) FILTER (WHERE r.confidence >= 0.8) "
        "FROM l JOIN r USING (line_key)"
    ).fetchone()
    steps = con.execute(
        "SELECT step, count(*), sum(abs(net_amount_dkk)) FROM l JOIN r USING (line_key) "
        "GROUP BY 1 ORDER BY 3 DESC"
    ).fetchall()
    assert row is not None
    print(f"{row[0]:,} lines classified in {seconds:.2f} s")
    print(
        "share of demo spend with high confidence (≥ 0.8): "
        f"{float(row[2]) / float(row[1]):.1%} (goal ≥ 95 %)"
    )
    print(
        "by step (lines, share of spend): "
        + ", ".join(f"{s} {n:,} {float(v) / float(row[1]):.1%}" for s, n, v in steps)
    )


def throughput(knowledge: Knowledge, lines: int, keep: Path) -> None:
    sys.path.insert(0, str(HERE))
    from csv_import import synthetic_csv  # the same export as the import benchmark

    print(f"\n== throughput: {lines:,} lines, one core ==")
    csv_path, _ = synthetic_csv(keep, lines, "web-utf8")
    lines_path = keep / f"classify-lines-{lines}.parquet"
    if not lines_path.exists():
        _import([csv_path], keep / "classify-work", lines_path)
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute(f"CREATE VIEW l AS SELECT * FROM read_parquet('{lines_path}')")
    distinct = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT supplier_cvr, supplier_name, description, "
        "classification_code, classification_scheme, account, item_number, labels FROM l)"
    ).fetchone()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = classify_table(con, "l", knowledge)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    n = result.num_rows
    print(
        f"{n:,} lines ({distinct[0] if distinct else 0:,} distinct texts) "
        f"in {seconds:.2f} s wall, "
        f"{cpu:.2f} s CPU: {n / seconds:,.0f} lines/s, {n / cpu:,.0f} lines per CPU-second "
        "(goal ≥ 50,000 lines/s per core)"
    )
    con.register("old", result)
    rule = RuleSet([Rule(("letmælk",), "50131701", None, source="user", rule_id=1)])
    started = time.perf_counter()
    condition = affected_condition(con, "l", rules=rule)
    assert condition is not None
    knowledge_with_rule = Knowledge(
        taxonomy=knowledge.taxonomy,
        model=knowledge.model,
        rules=RuleSet([*rule.rules, *(knowledge.rules.rules if knowledge.rules else [])]),
    )
    merged, changed = reclassify(con, "l", "old", knowledge_with_rule, condition)
    seconds = time.perf_counter() - started
    affected = con.execute(f"SELECT count(*) FROM l WHERE {condition}").fetchone()
    print(
        f"one rule change ('letmælk' → 50131701): {affected[0] if affected else 0:,} "
        f"affected lines re-classified in {seconds:.2f} s "
        f"({changed:,} results changed; {merged.num_rows:,} lines kept)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--demo-lines", type=int, default=30_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        keep = args.keep or Path(tmp)
        knowledge = _knowledge(keep / "model-cache")
        if args.eval.exists():
            evaluate(knowledge, args.eval)
        else:
            print(f"(no evaluation set at {args.eval})")
        demo_share(knowledge, args.demo_lines, Path(tmp))
        if not args.skip_throughput:
            throughput(knowledge, args.lines, keep)


if __name__ == "__main__":
    main()
