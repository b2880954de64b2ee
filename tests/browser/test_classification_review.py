"""Mette reviews the classification of her purchase lines (USER-STORIES.md, Mette 2).

After an import, every line is classified in the background; the review queue shows the
groups of lines that matter most (big spend, low confidence). She confirms a group as a
code and product, organic, and makes it a rule; the affected lines are re-classified, the
group leaves the queue and the rule is listed. Lise (viewer) sees the figures but cannot
confirm; Jens (unit manager) does not see classification of all purchases at all.

Imports and classification run in the request (django-tasks' immediate backend).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from omlob.audit.record import Actor
from omlob.classification.models import ClassificationJob, ClassifiedBatch, Confirmation, Rule
from omlob.spend import actions
from omlob.spend.models import ImportJob
from omlob.synthetic import Buyer, generate_invoices, write_csv

from .conftest import UI

pytestmark = pytest.mark.browser

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def classified(world: Any, settings: Any, tmp_path: Path) -> Any:
    """A year of Nordby's purchases, imported and classified."""
    settings.TASKS = IMMEDIATE
    settings.DATA_DIR = tmp_path / "data"
    units = [world.units[key] for key in ("SOLK", "LIN", "SKO")]
    buyers = [Buyer(u.name, u.kind, u.eans.get().ean, u.cost_centres.get().code) for u in units]
    path = tmp_path / "kreditorposter.csv"
    write_csv(generate_invoices(buyers, 2025, 700, seed=5), path, "excel-da", seed=2)
    with path.open("rb") as handle:
        job = actions.create_job(
            actor=Actor.system("test"),
            org=world.nordby,
            uploads=[actions.Upload(path.name, handle)],
        )
    assert job.status == ImportJob.Status.QUEUED
    job = actions.run_job(job.pk)
    assert job.status == ImportJob.Status.DONE
    for queued in ClassificationJob.objects.filter(status=ClassificationJob.Status.QUEUED):
        from omlob.classification.actions import run_job

        run_job(queued.pk)
    assert ClassifiedBatch.objects.filter(organisation=world.nordby).exists()
    return job


def open_classification(ui: UI, step: str) -> None:
    ui.goto("/o/nordby/", f"{step}-dashboard")
    ui.page.get_by_role("navigation", name="Moduler").get_by_role(
        "link", name="Klassifikation", exact=True
    ).click()
    ui.page.wait_for_url("**/o/nordby/klassifikation/")
    ui.snap(step)


def test_mette_confirms_the_biggest_uncertain_group_and_makes_a_rule(world, classified, ui):
    ui.login("mette@nordby.dk")
    open_classification(ui, "overview")
    assert ui.heading() == "Klassifikation"
    figures = ui.page.get_by_test_id("classification-figures").inner_text()
    assert "høj sikkerhed" in figures and "%" in figures
    expect(ui.page.get_by_test_id("by-step")).to_be_visible()
    ui.page.get_by_test_id("review-link").click()
    ui.page.wait_for_url("**/klassifikation/gennemsyn/")
    ui.snap("queue")
    groups = ui.page.get_by_test_id("review-group")
    count = groups.count()
    assert 0 < count <= 40
    first = groups.first
    example = first.locator("td").nth(1).inner_text().split("\n")[0].strip()
    first.locator("input[type=checkbox]").check()
    ui.page.get_by_label("Sæt kode og produkt nedenfor").check()
    ui.page.get_by_label("UNSPSC-kode").fill("50201706")
    ui.page.get_by_label("Økologi").select_option("yes")
    ui.page.get_by_label("Gør det til en regel").check()
    ui.submit("Bekræft", "confirmed")
    # The re-classification ran in the request: she is back in the queue, told what happened.
    assert ui.page.url.endswith("/o/nordby/klassifikation/gennemsyn/")
    assert any("bekræftet" in m for m in ui.messages())
    confirmation = Confirmation.objects.get(organisation=world.nordby)
    assert confirmation.unspsc == "50201706" and confirmation.labels == ["organic"]
    rule = Rule.objects.get(organisation=world.nordby)
    assert rule.confirmation == confirmation
    ui.goto("/o/nordby/klassifikation/regler/", "rules")
    expect(ui.page.get_by_test_id("rules")).to_contain_text("50201706")
    ui.goto("/o/nordby/klassifikation/gennemsyn/", "queue-after")
    texts = ui.page.get_by_test_id("review-groups").inner_text() if count > 1 else ""
    assert example[:30] not in texts
    assert not ui.console_errors


def test_a_wrong_code_is_explained_and_nothing_is_saved(world, classified, ui):
    ui.login("mette@nordby.dk")
    ui.goto("/o/nordby/klassifikation/gennemsyn/", "queue")
    ui.page.get_by_test_id("review-group").first.locator("input[type=checkbox]").check()
    ui.page.get_by_label("Sæt kode og produkt nedenfor").check()
    ui.page.get_by_label("UNSPSC-kode").fill("99")
    ui.submit("Bekræft", "refused")
    expect(ui.page.get_by_test_id("form-error")).to_contain_text("ikke en kendt UNSPSC-kode")
    assert not Confirmation.objects.exists()


def test_the_text_model_page_shows_its_evaluation(world, classified, ui):
    ui.login("mette@nordby.dk")
    ui.goto("/o/nordby/klassifikation/model/", "model")
    table = ui.page.get_by_test_id("model-versions").inner_text()
    assert "Grundmodel" in table and "%" in table
    # Training runs in the request here (the worker does it in production): give it time.
    with ui.page.expect_navigation(timeout=180_000):
        ui.page.get_by_role("button", name="Træn modellen igen").click(timeout=180_000)
    ui.snap("trained")
    assert ui.page.url.endswith("/klassifikation/model/")
    expect(ui.page.get_by_test_id("model-versions")).to_contain_text("1 (i brug)")


def test_lise_sees_the_figures_but_cannot_confirm(world, classified, ui):
    ui.login("lise@nordby.dk")
    open_classification(ui, "overview")
    expect(ui.page.get_by_test_id("classify-all")).to_have_count(0)
    ui.goto("/o/nordby/klassifikation/gennemsyn/", "queue")
    expect(ui.page.get_by_test_id("confirm-button")).to_have_count(0)
    expect(ui.page.get_by_test_id("review-group").first).to_be_visible()


def test_jens_has_no_classification_module(world, classified, ui):
    ui.login("jens@nordby.dk")
    ui.goto("/o/nordby/", "dashboard")
    assert "Klassifikation" not in ui.side_menu()
    for step, path in [
        ("overview", "/o/nordby/klassifikation/"),
        ("queue", "/o/nordby/klassifikation/gennemsyn/"),
        ("rules", "/o/nordby/klassifikation/regler/"),
        ("model", "/o/nordby/klassifikation/model/"),
    ]:
        response = ui.goto(path, step, status=None)
        assert response.status in (403, 404), f"{path}: {response.status}"


def test_mette_uploads_a_suppliers_product_file(world, classified, ui, tmp_path):
    good = tmp_path / "varer.csv"
    good.write_text("Varenr.;Beskrivelse;Øko\n4711;Gulerødder 10 kg;Ja\n", encoding="utf-8")
    bad = tmp_path / "brancher.csv"
    bad.write_text("CVR-nr.;Navn;Branchekode\n123;Fejl;62.01\n", encoding="utf-8")
    ui.login("mette@nordby.dk")
    ui.goto("/o/nordby/klassifikation/stamdata/", "masterdata")
    ui.page.get_by_label("Leverandørens CVR-nummer").fill("12345674")
    ui.page.get_by_label("Varefil (CSV eller Excel)").set_input_files(str(good))
    ui.submit("Indlæs varefil", "items-loaded")
    assert any("1 nye" in m for m in ui.messages()), ui.messages()
    expect(ui.page.get_by_test_id("item-files")).to_contain_text("12345674")
    ui.page.get_by_label("Fil med branchekoder (CSV eller Excel)").set_input_files(str(bad))
    ui.submit("Indlæs branchekoder", "trades-refused")
    expect(ui.page.get_by_test_id("form-error")).to_contain_text("Række 2, kolonne A")
