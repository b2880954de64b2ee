"""Text rules: keywords (and optionally a supplier) → UNSPSC code and Omløb product.

Two kinds, one matcher: the built-in rules come from the keywords of the shipped product
list; user rules are confirmations someone chose to "make a rule" of, possibly for one
supplier only, and win over built-in ones.

Danish-aware matching on :func:`~omlob.core.classify.textnorm.normalise`'d words:

* a keyword word of up to three letters must be a whole word ("øl", "ost", "is");
* a longer one may be a stem ("gulerod" in "gulerødder" needs its own keyword, but
  "kylling" matches "kyllingebryst"): a match followed only by an inflection ("-er", "-ne")
  counts fully, one followed by more word is a compound whose head is something else
  ("kaffemaskine"), so it counts less;
* a keyword of four letters or more may be the *head* of a compound ("mælk" in "letmælk",
  "kød" needs its own "oksekød"), since Danish compounds put the head last.

The longest, best-placed keyword wins; a close runner-up in another family makes the result
ambiguous and lowers its confidence, so the model or a person gets to decide.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from omlob.core.classify.taxonomy import Taxonomy, family_of
from omlob.core.classify.textnorm import fingerprint, normalise, words

__all__ = ["Rule", "RuleMatch", "RuleSet", "builtin_rules"]

#: Endings that inflect a Danish noun or adjective rather than start a new word.
_INFLECTIONS = frozenset(
    {
        "",
        "e",
        "er",
        "en",
        "et",
        "ne",
        "ene",
        "erne",
        "es",
        "s",
        "r",
        "rne",
        "n",
        "t",
        "te",
        "ede",
        "ende",
        "ere",
        "este",
        "ers",
        "ens",
        "ets",
    }
)
EXACT, STEM, HEAD, MODIFIER = 1.0, 0.95, 0.85, 0.55
#: Words after which a product is what the line is *for* or *about*, not what it is:
#: "Mælk til kaffe" is milk, "Reparation af frysere" a repair.
_DEPENDENT_AFTER = frozenset({"til", "for", "af", "med", "uden", "på", "om"})
DEPENDENT = 0.7
#: Word beginnings that make a line a service done on (or about) a thing: a keyword for the
#: thing alone must not decide ("Udskiftning af vandhane", "Kursus i forflytning").
_SERVICE_CUES = (
    "reparation",
    "repareret",
    "montering",
    "monteret",
    "udskiftning",
    "installation",
    "installering",
    "eftersyn",
    "servicering",
    "serviceaftale",
    "vedligehold",
    "fejlfinding",
    "leje",
    "udlejning",
    "lejet",
    "kursus",
    "uddannelse",
    "undervisning",
    "rådgivning",
    "konsulent",
    "bortskaffelse",
    "afhentning",
    "tømning",
    "opsætning",
    "nedtagning",
    "vask",
    "rensning",
    "pleje",
    "syn",
    "tilsyn",
    "kontrol",
    "inspektion",
    "abonnement",
)
CONFIDENT = 0.9
AMBIGUOUS = 0.7
USER = 0.97


@dataclass(frozen=True)
class Rule:
    """Keywords (any of them, as written by people) → code and product; maybe one supplier."""

    keywords: tuple[str, ...]
    unspsc: str
    product: str | None = None
    supplier_cvr: str | None = None
    labels: tuple[str, ...] = ()
    source: str = "builtin"
    rule_id: int | None = None
    #: A user rule made from a confirmation matches its texts' fingerprint exactly.
    exact: bool = False


@dataclass(frozen=True)
class RuleMatch:
    rule: Rule
    keyword: str
    confidence: float
    reason: str


def builtin_rules(taxonomy: Taxonomy) -> list[Rule]:
    """One rule per product: its keywords and Danish name."""
    rules = []
    for product in taxonomy.products.values():
        keywords = tuple(dict.fromkeys([*product.keywords, product.name_da.lower()]))
        rules.append(Rule(keywords, product.unspsc, product.id))
    return rules


@dataclass
class _Entry:
    rule: Rule
    keyword: str
    words: tuple[str, ...]


class RuleSet:
    """Compiled rules; :meth:`match` is called once per distinct line text."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._exact: dict[tuple[str | None, str], Rule] = {}
        self._first: dict[str, list[_Entry]] = defaultdict(list)
        self._heads: dict[str, list[_Entry]] = defaultdict(list)
        self._user_suppliers: set[str] = set()
        self.rules = list(rules)
        for rule in self.rules:
            for keyword in rule.keywords:
                if rule.exact:
                    self._exact[(rule.supplier_cvr, fingerprint(normalise(keyword)))] = rule
                    continue
                kw_words = tuple(words(normalise(keyword)))
                if not kw_words or sum(len(w) for w in kw_words) < 2:
                    continue
                entry = _Entry(rule, " ".join(kw_words), kw_words)
                self._first[kw_words[0]].append(entry)
                if len(kw_words) == 1 and len(kw_words[0]) >= 4:
                    self._heads[kw_words[0]].append(entry)

    def match(self, normalised: str, supplier_cvr: str | None = None) -> RuleMatch | None:
        """The best rule for a text (already normalised), or None."""
        if not normalised:
            return None
        if self._exact:
            key = fingerprint(normalised)
            for supplier in (supplier_cvr, None):
                rule = self._exact.get((supplier, key))
                if rule is not None:
                    return RuleMatch(rule, key, USER, "Bekræftet tekst")
        tokens = words(normalised)
        # (score, entry, how it matched: "", "stem", "modifier" or "head"; after "til" …)
        scored: list[tuple[float, _Entry, str, bool]] = []
        dependent = False
        for index, token in enumerate(tokens):
            factor = DEPENDENT if dependent else 1.0
            for size in range(len(token), 1, -1):
                prefix = token[:size]
                for entry in self._first.get(prefix, ()):
                    weight = self._weigh(entry, tokens, index)
                    if weight:
                        kind = {EXACT: "", STEM: "stem"}.get(weight, "modifier")
                        scored.append(
                            (factor * weight * len(entry.keyword), entry, kind, dependent)
                        )
            # Compound heads: "letmælk" → "mælk", "æblemost" → "most"; the part before the
            # head must be a word of its own (two letters at least: not "s|hare").
            ends = {len(token) - len(s) for s in _INFLECTIONS if token.endswith(s)}
            for end in ends:
                for start in range(2, end - 3):
                    for entry in self._heads.get(token[start:end], ()):
                        scored.append(
                            (factor * HEAD * len(entry.keyword), entry, "head", dependent)
                        )
            dependent = dependent or token in _DEPENDENT_AFTER
        scored = [item for item in scored if item[1].rule.supplier_cvr in (None, supplier_cvr)]
        if not scored:
            return None
        # User rules first, then by score.
        scored.sort(key=lambda item: (item[1].rule.source == "user", item[0]), reverse=True)
        best_score, best, kind, after = scored[0]
        if best.rule.source == "user":
            return RuleMatch(best.rule, best.keyword, USER, f"Brugerregel «{best.keyword}»")
        rival = next(
            (
                score
                for score, entry, _kind, _after in scored[1:]
                if family_of(entry.rule.unspsc) != family_of(best.rule.unspsc)
            ),
            0.0,
        )
        confidence = CONFIDENT if best_score >= 3.5 else AMBIGUOUS
        reason = f"Nøgleordet «{best.keyword}»"
        if rival >= 0.85 * best_score:
            confidence = min(confidence, AMBIGUOUS)
            reason += " (tvetydigt: andre nøgleord peger et andet sted hen)"
        if kind == "modifier":
            confidence = min(confidence, 0.6)
            reason += " (kun som første led af et sammensat ord)"
        elif kind == "head":
            confidence = min(confidence, AMBIGUOUS)
            reason += " (som sidste led af et sammensat ord)"
        if after:
            confidence = min(confidence, AMBIGUOUS)
            reason += " (efter «til», «af» o.l.: linjen handler måske om noget andet)"
        if best.rule.unspsc[:2] < "70" and any(token.startswith(_SERVICE_CUES) for token in tokens):
            confidence = min(confidence, 0.55)
            reason += " (teksten nævner en ydelse)"
        return RuleMatch(best.rule, best.keyword, confidence, reason)

    @staticmethod
    def _weigh(entry: _Entry, tokens: Sequence[str], index: int) -> float:
        """How well the keyword's words fit the tokens from ``index`` (0: not at all)."""
        weight = EXACT
        for offset, word in enumerate(entry.words):
            position = index + offset
            if position >= len(tokens):
                return 0.0
            token = tokens[position]
            if token == word:
                continue
            if len(word) <= 3:
                return 0.0
            if token.startswith(word):
                rest = token[len(word) :]
                weight = min(weight, STEM if rest in _INFLECTIONS else MODIFIER)
                continue
            # Two inflections of one stem: "hakkede" in a keyword, "hakket" in the text.
            stem = len(os.path.commonprefix([word, token]))  # noqa: RUF071 (letters wanted)
            if stem >= 4 and word[stem:] in _INFLECTIONS and token[stem:] in _INFLECTIONS:
                weight = min(weight, STEM)
                continue
            return 0.0
        return weight
