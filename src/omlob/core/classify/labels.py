"""Labels read from a line's text: organic, eco-labels and used/refurbished.

Organic is what the Økologisk Spisemærke counts, so precision matters as much as recall:
"Øko gulerødder", "ØKOLOGISK LETMÆLK", "Kaffe Ø-mærket", "EU-økologisk", "organic" count;
"Økonomikonsulent", "økosystemtjenester", "Ecolab", "bioaffald" do not. The patterns run on
:func:`omlob.core.classify.textnorm.normalise`'d text (lower case, abbreviations expanded).
"""

from __future__ import annotations

import re

__all__ = [
    "ECO_LABELS",
    "LABEL_NAMES",
    "ORGANIC",
    "REFURBISHED",
    "detect_labels",
    "settle_labels",
]

ORGANIC = "organic"
#: Internal: an organic marker that counts only if the line turns out to be food.
ORGANIC_IF_FOOD = "organic_if_food"
REFURBISHED = "refurbished"
#: Eco-labels in the order they are shown.
ECO_LABELS = (
    "svanemaerket",
    "eu_ecolabel",
    "fsc",
    "pefc",
    "tco",
    "fairtrade",
    "msc",
    "asc",
)
#: Danish display names.
LABEL_NAMES = {
    ORGANIC: "Økologisk",
    REFURBISHED: "Brugt/renoveret",
    "svanemaerket": "Svanemærket",
    "eu_ecolabel": "EU Ecolabel (Blomsten)",
    "fsc": "FSC",
    "pefc": "PEFC",
    "tco": "TCO Certified",
    "fairtrade": "Fairtrade",
    "msc": "MSC",
    "asc": "ASC",
}

_B = r"(?<![0-9a-zæøå])"  # start of a word
_E = r"(?![0-9a-zæøå])"  # end of a word

# "øko" as a word or the head of a compound ("økomælk", "øko-gulerødder"), but not the
# words that merely begin with the same letters.
_NOT_ORGANIC_STEMS = (
    "nom",  # økonomi, økonomisk, økonomikonsulent
    "sys",  # økosystem
    "turis",  # økoturisme
    "logi" + _E,  # "økologi" (the subject), not "økologisk"
    "logiens",
    "logien",
    "lab",  # Ecolab spelt the Danish way
    "tox",  # økotoksikologi
    "design",  # økodesign (a directive, not a label)
    "skat",
    "afgift",
    "-?tex",  # Øko-Tex / Oeko-Tex: a textile safety standard, not organic
    "lari",  # Økolariet, an exhibition centre
    "strøm",  # "økostrøm": green electricity certificates
)
_ORGANIC = re.compile(
    "|".join(
        (
            _B + "øko(?!" + "|".join(_NOT_ORGANIC_STEMS) + ")",
            _B + "økol" + _E,
            _B + "ø-mærk",
            _B + "statskontrolleret økologisk",
            _B + "organic" + _E,
            _B + "organisk dyrket",
            _B + "eu[- ]?øko",
            _B + "eu[- ]?organic",
            _B + "ekologisk" + _E,  # Swedish and Norwegian packs
            # A lone "Ø" (the state label's letter), but not "Ø 120", a diameter.
            _B + r"ø(?![0-9a-zæøå-])(?!\s*\d)",
        )
    )
)
# "bio" alone marks organic food on German and Swedish packs, but "biologisk nedbrydelig"
# elsewhere ("Bio opvask tabs"): it counts only on food lines.
_ORGANIC_FOOD_ONLY = re.compile(_B + "bio" + _E)
#: A line of these UNSPSC segments is a service or printed matter *about* organic food
#: ("Kursus i økologisk omstilling", "Fagbog om økologisk madlavning"), never an organic
#: product; catering (segment 90, food services) is food and keeps its label.
NOT_ORGANIC_SEGMENTS = frozenset({"55", *(str(n) for n in range(70, 100) if n != 90)})
_REFURBISHED = re.compile(
    _B
    + r"(refurb|renoveret|istandsat|genbrugt?"
    + _E
    + "|genbrugsmøbl|genbrugs-?it"
    + _E
    + r"|brugte?"
    + _E
    + r"|used"
    + _E
    + r"|second[- ]?hand|b[- ]?grade|b[- ]?vare|grade [abc]"
    + _E
    + r"|remanufactured|demo[- ]?model|reconditioned|pre[- ]?owned)"
)
_ECO = {
    "svanemaerket": re.compile(_B + r"(svanemærk|svane[- ]?mærk|nordic swan|nordic ecolabel)"),
    "eu_ecolabel": re.compile(
        _B + r"(eu[- ]?ecolabel|eu[- ]?blomst|blomstmærk|eu[- ]?miljømærk|ecolabel" + _E + ")"
    ),
    "fsc": re.compile(_B + r"fsc" + _E),
    "pefc": re.compile(_B + r"pefc" + _E),
    "tco": re.compile(_B + r"tco" + _E),
    "fairtrade": re.compile(_B + r"(fairtrade|fair trade|max havelaar)"),
    "msc": re.compile(_B + r"msc" + _E),
    "asc": re.compile(_B + r"asc" + _E),
}


def detect_labels(normalised: str) -> list[str]:
    """The labels a normalised text states, in :data:`LABEL_NAMES` order."""
    if not normalised:
        return []
    found: list[str] = []
    if _ORGANIC.search(normalised):
        found.append(ORGANIC)
    elif _ORGANIC_FOOD_ONLY.search(normalised):
        found.append(ORGANIC_IF_FOOD)
    if _REFURBISHED.search(normalised):
        found.append(REFURBISHED)
    found.extend(label for label in ECO_LABELS if _ECO[label].search(normalised))
    return found


def settle_labels(labels: list[str], unspsc: str | None) -> list[str]:
    """The labels once the line's code is known: organic only on goods, "bio" only on food."""
    segment = (unspsc or "")[:2]
    settled = []
    for label in labels:
        if label == ORGANIC_IF_FOOD:
            label = ORGANIC if segment == "50" else ""
        if label == ORGANIC and segment in NOT_ORGANIC_SEGMENTS:
            label = ""
        if label and label not in settled:
            settled.append(label)
    return settled
