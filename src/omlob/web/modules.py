"""The modules of Omløb (DESIGN.md) as the navigation shows them.

A module without pages yet has a status page that says what will come; when an issue delivers a
module, its entry points at the real view instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    key: str
    title: str | Promise
    url_name: str | None  # a real view; None while the module is announced only
    summary: str | Promise
    coming: tuple[str | Promise, ...] = ()
    permission: str = "view"  # shown in the menu only to roles that may open it


MODULES: tuple[Module, ...] = (
    Module(
        "overview",
        _("Overblik"),
        "org-dashboard",
        _("Organisationen, dens enheder og hvad der er sket for nylig."),
    ),
    Module(
        "structure",
        _("Organisation"),
        "unit-list",
        _("Forvaltninger, områder og institutioner med EAN-numre og omkostningssteder."),
    ),
    Module(
        "spend",
        _("Indkøbsdata"),
        "spend-overview",
        _("Import af fakturalinjer fra økonomisystemet og e-fakturaer."),
        (
            _("CSV/XLSX-eksport fra økonomisystemet med kolonnemapping"),
            _("OIOUBL- og PEPPOL-e-fakturaer, enkeltvis eller i zip"),
            _("Karantæne for fejlrækker, der kan hentes og rettes"),
        ),
        "view_purchases",
    ),
    Module(
        "classification",
        _("Klassifikation"),
        "classification-overview",
        _("UNSPSC og produkt for hver fakturalinje, mærker som økologi og Svanemærket."),
        (
            _("Regler, koder og maskinlæring med sporbarhed"),
            _("Gennemsynskø for de linjer, der betyder mest"),
        ),
        "view_purchases",
    ),
    Module(
        "footprint",
        _("Klimaaftryk"),
        None,
        _("CO2e for indkøbet pr. enhed, varegruppe, produkt og leverandør."),
        (
            _("Hybrid metode: aktivitets- og udgiftsbaserede faktorer"),
            _("Basisår, målsti og datakvalitet"),
        ),
    ),
    Module(
        "organic",
        _("Økologi"),
        None,
        _("Økologiprocent pr. køkken og kvartal efter Det Økologiske Spisemærke."),
        (_("Grossisternes kvartalsstatistik"), _("Hvilke skift hæver andelen billigst")),
    ),
    Module(
        "requirements",
        _("Krav og udbud"),
        None,
        _("Kravbibliotek, udbudsplan og markedsdialog."),
        (_("Grønne mindstekrav, tildelingskriterier og kontraktvilkår"),),
    ),
    Module(
        "contracts",
        _("Kontrakter"),
        None,
        _("Kontrakter og opfølgning på, at leverandørerne holder kravene."),
    ),
    Module(
        "assets",
        _("Genbrug"),
        None,
        _("Aktivregister og internt genbrug af møbler og IT; levetidsforlængelse."),
    ),
    Module("actions", _("Handleplan"), None, _("Indsatser, mål og nøgletal.")),
    Module("tco", _("Totalomkostninger"), None, _("TCO og scenarier for indkøbsbeslutninger.")),
    Module(
        "reports",
        _("Rapporter"),
        None,
        _("Klimarapport til byrådet (PDF) og data bag tallene (XLSX)."),
    ),
)

MODULES_BY_KEY = {m.key: m for m in MODULES}
