"""Labels read from a line's text: organic, eco-labels and used/refurbished.

Organic is what the Økologisk Spisemærke counts, so precision matters as much as recall:
"Øko gulerødder", "ØKOLOGISK LETMÆLK", "Kaffe Ø-mærket", "EU-økologisk", "organic" count;
"Økonomikonsulent", "økosystemtjenester", "Ecolab", "bioaffald" do not. The patterns run on
:func:`omlob.core.classify.textnorm.normalise`'d text (lower case, abbreviations expanded).
"""

from __future__ import annotations

import re

__all__ = ["ECO_LABELS", "LABEL_NAMES", "ORGANIC", "REFURBISHED", "detect_labels"]

ORGANIC = "organic"
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
            _B + "bio" + _E,  # "bio" alone (German and Swedish packs); not "biogas"
            _B + "ekologisk" + _E,  # Swedish and Norwegian packs
        )
    )
)
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
    if _REFURBISHED.search(normalised):
        found.append(REFURBISHED)
    found.extend(label for label in ECO_LABELS if _ECO[label].search(normalised))
    return found
