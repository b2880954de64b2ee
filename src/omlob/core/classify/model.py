"""The machine-learned step of the cascade: UNSPSC family from the line text.

Character n-grams (2–5, inside word boundaries) and word uni/bigrams, TF-IDF weighted, into a
linear support-vector classifier calibrated to probabilities (sigmoid, 3-fold). Character
n-grams carry Danish compounds and abbreviations ("kyllingebryst", "hk.oksekød") without a
dictionary; calibration makes the confidence mean what it says, so the cascade and the
review queue can rank by it.

The base model learns from the shipped corpus (``training_lines.csv``, written by the Omløb
team, plus the product list's names and keywords); an organisation's model adds its
confirmed lines and is retrained in the worker. Each model carries a version and the
evaluation made on a held-out fifth of its data before the final fit.
"""

from __future__ import annotations

import csv
import datetime
import functools
import hashlib
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from omlob.core.classify.taxonomy import (
    Taxonomy,
    conventional,
    data_folder,
    family_of,
    normalise_unspsc,
)
from omlob.core.classify.textnorm import fingerprint, normalise

__all__ = [
    "TextModel",
    "base_corpus",
    "base_model",
    "evaluate_predictions",
    "load_model",
    "save_model",
    "train_model",
]

#: Bump when features or learner change, so cached models are retrained.
MODEL_FORMAT = "3"
MIN_PER_CLASS = 3
CALIBRATION_FOLDS = 3


@dataclass
class Prediction:
    family: str
    probability: float
    segment: str
    segment_probability: float


@dataclass
class TextModel:
    """A fitted pipeline with what is needed to trust it: version, data size, evaluation."""

    pipeline: Pipeline
    version: str
    trained_at: str
    examples: int
    metrics: dict[str, float] = field(default_factory=dict)
    classes: list[str] = field(default_factory=list)

    def predict(self, normalised: Sequence[str]) -> list[Prediction]:
        """Family and segment with calibrated probabilities, one per text."""
        if not normalised:
            return []
        texts = [fingerprint(text) or text for text in normalised]
        probabilities = self.pipeline.predict_proba(texts)
        classes = np.asarray(self.classes)
        segments = np.asarray([c[:2] for c in self.classes])
        unique_segments = sorted(set(segments))
        # Sum of family probabilities per segment: a text between two dairy families is
        # still confidently dairy.
        segment_matrix = np.stack(
            [probabilities[:, segments == s].sum(axis=1) for s in unique_segments], axis=1
        )
        best = probabilities.argmax(axis=1)
        best_segment = segment_matrix.argmax(axis=1)
        results = []
        for row, (index, seg_index) in enumerate(zip(best, best_segment, strict=True)):
            family = str(classes[index])
            segment = unique_segments[seg_index]
            if family[:2] != segment:
                # Family and segment must agree: take the best family inside the best segment.
                inside = np.where(segments == segment)[0]
                index = inside[probabilities[row, inside].argmax()]
                family = str(classes[index])
            results.append(
                Prediction(
                    family=family,
                    probability=float(probabilities[row, index]),
                    segment=segment + "000000",
                    segment_probability=float(segment_matrix[row, seg_index]),
                )
            )
        return results


def _pipeline(*, calibrated: bool = True) -> Pipeline:
    features = FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, dtype=np.float32
                ),
            ),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    token_pattern=r"[a-zæøåäöüé]{2,}",  # noqa: S106 (a regex, not a password)
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            ),
        ]
    )
    learner: Any = LinearSVC(C=0.7)
    if calibrated:
        # Three folds (two were measurably worse on held-out training text), fitted two at a
        # time on two cores.
        learner = CalibratedClassifierCV(learner, cv=CALIBRATION_FOLDS, method="sigmoid", n_jobs=2)
    return Pipeline([("features", features), ("learner", learner)])


def _balanced(texts: list[str], labels: list[str]) -> tuple[list[str], list[str]]:
    """Rare classes repeated up to MIN_PER_CLASS examples, so every calibration fold has them."""
    counts = Counter(labels)
    extra_texts, extra_labels = [], []
    for text, label in zip(texts, labels, strict=True):
        for _ in range(max(0, MIN_PER_CLASS - counts[label])):
            extra_texts.append(text)
            extra_labels.append(label)
    return texts + extra_texts, labels + extra_labels


def evaluate_predictions(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Accuracy and macro-F1 at segment and family level (codes as 8 digits)."""
    metrics: dict[str, float] = {}
    for level, width in (("segment", 2), ("family", 4)):
        t = [code[:width] for code in truth]
        p = [code[:width] for code in predicted]
        metrics[f"{level}_accuracy"] = float(accuracy_score(t, p))
        metrics[f"{level}_macro_f1"] = float(
            f1_score(t, p, average="macro", labels=sorted(set(t)), zero_division=0)
        )
    return metrics


def train_model(
    texts: Sequence[str], codes: Sequence[str], *, version: str, evaluate: bool = True
) -> TextModel:
    """Fit on (text, UNSPSC) pairs; texts are normalised here. Families are the classes."""
    pairs = [
        (fingerprint(normalise(t)) or normalise(t), family_of(c))
        for t, c in zip(texts, codes, strict=True)
        if t and c
    ]
    pairs = list(dict.fromkeys(pairs))
    x = [p[0] for p in pairs]
    y = [p[1] for p in pairs]
    metrics: dict[str, float] = {}
    if evaluate and len(x) >= 200:
        counts = Counter(y)
        keep = [i for i, label in enumerate(y) if counts[label] >= 5]
        train_idx, test_idx = train_test_split(
            keep, test_size=0.2, random_state=7, stratify=[y[i] for i in keep]
        )
        rest = [i for i, label in enumerate(y) if counts[label] < 5]
        fit_x, fit_y = _balanced([x[i] for i in train_idx + rest], [y[i] for i in train_idx + rest])
        # The held-out score needs only the decision, not probabilities: one plain fit.
        held = _pipeline(calibrated=False).fit(fit_x, fit_y)
        predicted = held.predict([x[i] for i in test_idx])
        metrics = evaluate_predictions([y[i] for i in test_idx], list(predicted))
        metrics["held_out"] = float(len(test_idx))
    fit_x, fit_y = _balanced(x, y)
    pipeline = _pipeline().fit(fit_x, fit_y)
    classes = [str(c) for c in pipeline.named_steps["learner"].classes_]
    return TextModel(
        pipeline=pipeline,
        version=version,
        trained_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        examples=len(x),
        metrics=metrics,
        classes=classes,
    )


def base_corpus(taxonomy: Taxonomy) -> tuple[list[str], list[str]]:
    """The shipped training texts (``training_lines*.csv``) with their UNSPSC codes, plus the
    product list's names and keywords."""
    texts: list[str] = []
    codes: list[str] = []
    sources = sorted(
        (e for e in data_folder().iterdir() if e.name.startswith("training_lines")),
        key=lambda e: e.name,
    )
    for source in sources:
        with source.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code = normalise_unspsc(row.get("unspsc"))
                if code and taxonomy.known(code) and row.get("text"):
                    texts.append(row["text"])
                    codes.append(conventional(code))
    for product in taxonomy.products.values():
        for text in (product.name_da, *product.keywords):
            texts.append(text)
            codes.append(product.unspsc)
    return texts, codes


@functools.cache
def _corpus_digest(version: str) -> str:
    """A fingerprint of the shipped tables (read once per process: they do not change)."""
    digest = hashlib.sha256(f"{MODEL_FORMAT}|{sklearn.__version__}|".encode())
    digest.update(version.encode())
    folder = data_folder()
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".csv") and entry.is_file():
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]


def save_model(model: TextModel, path: Path) -> None:
    """Write atomically (temp file, then rename), so a reader never sees half a model."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    joblib.dump(model, tmp, compress=3)
    os.replace(tmp, path)


def load_model(path: Path) -> TextModel:
    """Load a model this installation wrote (joblib: only ever our own files)."""
    model: Any = joblib.load(path)
    if not isinstance(model, TextModel):
        raise TypeError(f"{path} is not an Omløb text model")
    return model


_BASE: dict[str, TextModel] = {}


def base_model(taxonomy: Taxonomy, cache_dir: Path) -> TextModel:
    """The base model for this taxonomy and corpus: cached on disk, trained when missing."""
    digest = _corpus_digest(taxonomy.version)
    if digest in _BASE:
        return _BASE[digest]
    path = Path(cache_dir) / f"base-{digest}.joblib"
    model: TextModel | None = None
    if path.exists():
        try:
            model = load_model(path)
        except Exception:  # a model from another library version: train again
            model = None
    if model is None:
        texts, codes = base_corpus(taxonomy)
        model = train_model(texts, codes, version=f"base-{digest}")
        save_model(model, path)
    _BASE.clear()
    _BASE[digest] = model
    return model
