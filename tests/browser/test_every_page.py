"""Every page of the app, as the administrator sees it, meets the same baseline.

The organisation pages are taken from ``omlob.urls.organisation_patterns`` itself, so a new page
is checked (or fails here until it is given an object to show) without anyone remembering to
add it. The baseline: HTTP 200, no console errors, the DKFDS stylesheet applied, one <h1>, a
skip link to #main-content that is the first thing Tab reaches, a label for every input, unique
ids, resolvable ARIA references, alt text on images and a lang attribute.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, reverse
from playwright.sync_api import expect

from omlob.audit.record import Actor
from omlob.organisations import actions
from omlob.organisations.roles import Role
from omlob.spend import actions as spend_actions
from omlob.synthetic import generate_invoices
from omlob.urls import organisation_patterns
from omlob.web.modules import MODULES

from .conftest import UI

pytestmark = pytest.mark.browser

POST_ONLY = {
    "member-remove",
    "invitation-revoke",
    "token-revoke",
    "spend-batch-rerun",
    "spend-profile-delete",
    "classification-run",
    "classification-rule-delete",
}
DOWNLOADS = {"unit-export", "spend-rejects-download"}
JSON = {"spend-job-status", "classification-job-status"}
ANNOUNCED_MODULES = [m.key for m in MODULES if m.url_name is None]


def _organisation_pages() -> list[str]:
    pages = []
    for pattern in organisation_patterns:
        assert isinstance(pattern, URLPattern), "nested includes: extend this walk"
        name = pattern.name
        if name in POST_ONLY:
            continue
        if "<slug:key>" in str(pattern.pattern):
            continue  # the module status pages: one template, walked by test_module_pages
        pages.append(name)
    return pages


ORGANISATION_PAGES = _organisation_pages()


def _spend_objects(world: Any, folder: Path) -> dict[str, Any]:
    """A batch with rejected rows, a queued import and one waiting for its columns."""
    from .test_spend_import import buyers, import_file, kol_export, opus_export

    def start(path: Path) -> Any:
        with path.open("rb") as handle:
            return spend_actions.create_job(
                actor=Actor.of_user(world.mette),
                org=world.nordby,
                uploads=[spend_actions.Upload(path.name, handle)],
            )

    invoices = generate_invoices(buyers(world, unknown_ean=True), 2025, 20, seed=1)
    batch = import_file(world, opus_export(folder / "opus.csv", lambda: invoices, mess=0.2).path)
    queued = start(
        opus_export(folder / "opus-2.csv", lambda: generate_invoices(buyers(world), 2025, 5)).path
    )
    draft = start(kol_export(folder / "kol.csv", generate_invoices(buyers(world), 2025, 5)).path)
    return {
        "spend-batch": batch,
        "spend-batch-delete": batch,
        "spend-rejects-download": batch,
        "spend-job": queued,
        "spend-job-status": queued,
        "spend-mapping": draft,
    }


def _url(world: Any, name: str, key: str | None = None, folder: Path | None = None) -> str:
    """The address of page ``name`` in Nordby, with a real object for every <int:pk>."""
    kwargs: dict[str, Any] = {"org": "nordby"}
    pattern = next(p for p in organisation_patterns if p.name == name)
    route = str(pattern.pattern)
    if "<int:pk>" in route:
        objects = {
            "unit-detail": world.units["SOL"],
            "unit-edit": world.units["SOL"],
            "member-edit": world.membership(world.jens),
        }
        if name.startswith("spend-") and folder is not None:
            objects.update(_spend_objects(world, folder))
        if name.startswith("classification-"):
            from omlob.classification.models import ClassificationJob

            job = ClassificationJob.objects.create(
                organisation=world.nordby, kind=ClassificationJob.Kind.CLASSIFY
            )
            objects.update({"classification-job": job, "classification-job-status": job})
        if name not in objects:
            pytest.fail(f"test_every_page: give the page {name!r} ({route}) an object to show")
        kwargs["pk"] = objects[name].pk
    if "<int:index>" in route:
        kwargs["index"] = 0
    if "<str:fmt>" in route:
        kwargs["fmt"] = "csv"
    if key is not None:
        kwargs["key"] = key
    return reverse(name, kwargs=kwargs)


UNLABELLED_CONTROLS = """() => {
  const skip = new Set(["hidden", "submit", "button", "reset", "image"]);
  const missing = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (skip.has((el.getAttribute("type") || "").toLowerCase())) continue;
    const labelled = (el.labels && el.labels.length > 0
                      && [...el.labels].some(l => l.textContent.trim() !== ""))
      || (el.getAttribute("aria-label") || "").trim() !== ""
      || (el.getAttribute("aria-labelledby") || "").trim() !== "";
    if (!labelled) missing.push(el.outerHTML.slice(0, 120));
  }
  return missing;
}"""

MARKUP_PROBLEMS = """() => {
  const problems = [];
  const ids = [...document.querySelectorAll("[id]")].map(el => el.id);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicates.length) problems.push("duplicate id: " + [...new Set(duplicates)].join(", "));
  if (!["da", "en"].includes(document.documentElement.lang)) problems.push("no <html lang>");
  for (const img of document.querySelectorAll("img:not([alt])")) {
    problems.push("img without alt: " + img.outerHTML.slice(0, 80));
  }
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
    const refs = [el.getAttribute("aria-describedby"), el.getAttribute("aria-labelledby")]
      .filter(Boolean).join(" ").split(/\\s+/).filter(Boolean);
    for (const ref of refs) {
      if (!document.getElementById(ref)) problems.push("aria reference to missing #" + ref);
    }
  }
  return problems;
}"""

FOCUS_BODY = """() => {
  document.body.setAttribute("tabindex", "-1");
  document.body.focus();
  document.body.removeAttribute("tabindex");
}"""

DKFDS_RULES = """() => [...document.styleSheets]
  .filter(s => (s.href || "").includes("/dkfds/css/"))
  .map(s => s.cssRules.length)"""


def check_baseline(ui: UI) -> None:
    """The checks every page of the Omløb shell must pass."""
    page = ui.page
    page.wait_for_load_state("load")

    # the DKFDS stylesheet arrived and is applied
    rules = page.evaluate(DKFDS_RULES)
    assert rules and rules[0] > 100, f"DKFDS stylesheet not loaded: {rules}"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "IBM Plex Sans" in font, font
    assert page.evaluate("document.fonts.check('16px \"IBM Plex Sans\"')")

    # one h1
    expect(page.locator("h1")).to_have_count(1)
    assert page.locator("h1").inner_text().strip()

    # a skip link to the main content, which exists
    skip = page.locator('a[href="#main-content"]')
    expect(skip).to_have_count(1)
    expect(page.locator("#main-content")).to_have_count(1)

    # every form control has a label; ids are unique and ARIA references resolve
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert page.evaluate(MARKUP_PROBLEMS) == []

    # keyboard: from the top of the page, Tab reaches the skip link first, and it shows.
    # (The login form autofocuses the user name; "from the top" starts at <body>.)
    page.evaluate(FOCUS_BODY)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement && document.activeElement.getAttribute('href')")
    assert focused == "#main-content", f"Tab went to {focused!r}"
    box = skip.bounding_box()
    assert box and box["width"] > 1 and box["height"] > 1, f"skip link invisible: {box}"
    ui.snap("skip-link", full_page=False)

    assert ui.console_errors == []


@pytest.fixture
def admin(world, ui) -> UI:
    """Anne, logged in by session cookie: these tests are about the pages, not about login."""
    ui.force_login(world.admin)
    # an open invitation and a key, so the pages that list them have something to list
    actions.invite(
        actor=Actor.system("test"),
        organisation=world.nordby,
        email="ny@nordby.dk",
        role=Role.VIEWER,
    )
    actions.create_token(
        actor=Actor.system("test"), membership=world.membership(world.admin), name="BI"
    )
    return ui


@pytest.mark.parametrize("name", ORGANISATION_PAGES)
def test_organisation_page(world, admin, name, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    url = _url(world, name, folder=tmp_path)
    if name in JSON:
        response = admin.page.request.get(admin.url(url))
        assert response.status == 200
        assert response.headers["content-type"] == "application/json"
        assert response.json()["status"]
        return
    if name in DOWNLOADS:
        response = admin.page.request.get(admin.url(url))
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"].startswith("attachment;")
        return
    admin.goto(url, "page")
    check_baseline(admin)
    if admin.page.locator("[data-job-status]").count():
        # an import's progress page keeps asking for news: leave it before the next test
        # rebuilds the database under it
        admin.page.goto("about:blank")


def check_each(ui: UI, pages: list[tuple[str, str]]) -> None:
    """Visit each (step, path) and check it; report every page that fails, not just the first."""
    failures = {}
    for step, path in pages:
        ui.clear_errors()
        try:
            ui.goto(path, step)
            check_baseline(ui)
        except AssertionError as exc:
            failures[path] = str(exc).splitlines()[0]
    assert failures == {}


def test_module_pages(world, admin):
    pages = [(key, _url(world, "module", key)) for key in ANNOUNCED_MODULES]
    assert "classification" not in ANNOUNCED_MODULES and len(pages) >= 5
    check_each(admin, pages)


def test_account_pages(world, admin):
    check_each(
        admin,
        [
            ("organisations", "/organisationer/"),
            ("password-change", "/konto/adgangskode/"),
            ("password-changed", "/konto/adgangskode/skiftet/"),
        ],
    )


def test_error_pages_have_the_shell_too(world, admin):
    admin.goto("/o/nordby/findes-ikke/", "not-found", status=404)
    check_baseline(admin)
    assert admin.heading() == "Siden findes ikke"


def test_login_page(world, ui):
    ui.goto("/konto/log-ind/", "login")
    check_baseline(ui)
    expect(ui.page.get_by_label("Brugernavn")).to_be_visible()
    expect(ui.page.get_by_label("Adgangskode")).to_be_visible()


def test_invitation_page(world, ui):
    _invitation, token = actions.invite(
        actor=Actor.system("test"),
        organisation=world.nordby,
        email="ny@nordby.dk",
        role=Role.VIEWER,
    )
    ui.goto(f"/invitation/{token}/", "invitation")
    check_baseline(ui)
    ui.goto("/invitation/ikke-en-rigtig-kode/", "invalid", status=404)
    check_baseline(ui)


def test_api_docs(world, ui):
    ui.goto("/api/docs", "docs")
    expect(ui.page.get_by_text("Omløb API").first).to_be_visible()
    expect(ui.page.locator(".opblock").first).to_be_visible()
    ui.snap("rendered")
    assert ui.console_errors == []


def test_every_organisation_page_is_covered():
    """POST-only views are the only ones this walk leaves out."""
    names = {p.name for p in organisation_patterns}
    walked = {*ORGANISATION_PAGES, "module"}
    assert names - walked == POST_ONLY
