"""The business operations on purchase data: upload, map, import, delete, map unit codes.

The web pages, the API, the worker and ``omlob import`` all call these, so an import behaves
the same from every door. The heavy lifting is in :mod:`omlob.core.purchase_import`; this
module stores uploads, keeps the job's progress, serialises imports per organisation (so two
overlapping files imported at once still count each line once) and registers the batch in
one transaction with its audit event.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omlob.audit.record import Actor, record_event
from omlob.core.fieldmapping import MappingError, header_key, missing_required
from omlob.core.purchase_import import ImportOptions, ImportResult, Lookups, PurchaseImport
from omlob.core.purchase_sources import UBL, SourceInfo, inspect
from omlob.core.tabular import TableError
from omlob.organisations import actions as org_actions
from omlob.organisations.models import CostCentre, Organisation, OrgUnit, UnitEAN
from omlob.spend import storage
from omlob.spend.models import Batch, BatchFile, ImportJob, MappingProfile

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, float], None]
#: A running job that has not reported for this long was killed (worker or CLI died).
STALE_SECONDS = 120
#: How often progress is written to the database.
PROGRESS_INTERVAL = 0.5


def max_upload_bytes() -> int:
    return int(getattr(settings, "OMLOB_MAX_UPLOAD_BYTES", 1024**3))


def zip_limits() -> dict[str, float]:
    return {
        "max_total_bytes": float(getattr(settings, "OMLOB_ZIP_MAX_BYTES", 4 * 1024**3)),
        "max_ratio": float(getattr(settings, "OMLOB_ZIP_MAX_RATIO", 200)),
    }


# --- uploads and jobs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file as given by the user: its name and an open binary handle."""

    name: str
    handle: IO[bytes]


def _already_imported(org: Organisation, sha: str) -> BatchFile | None:
    return BatchFile.objects.filter(organisation=org, sha256=sha).select_related("batch").first()


def refused_message(name: str, found: BatchFile) -> str:
    when = timezone.localtime(found.batch.created_at).strftime("%d.%m.%Y %H:%M")
    return _(
        "Filen %(name)s er allerede importeret (batch %(batch)s, %(when)s, som %(first)s). "
        "Den samme fil importeres ikke to gange. Slet batchen først, hvis den skal "
        "importeres igen."
    ) % {"name": name, "batch": found.batch_id, "when": when, "first": found.name}


def create_job(
    *,
    actor: Actor,
    org: Organisation,
    uploads: Iterable[Upload],
    currency: str = "DKK",
    decimal: str = "",
    sheet: str = "",
    profile: MappingProfile | None = None,
    replaces: Batch | None = None,
) -> ImportJob:
    """Store the uploads, refuse files already imported, and suggest a mapping per file.

    The job is queued right away when every file is an e-invoice or has a complete mapping
    (from the given profile, a saved profile with the same header, or the column names);
    otherwise it waits in DRAFT for the user to confirm the columns.
    """
    files: list[dict[str, Any]] = []
    seen: set[str] = set()
    try:
        return _create_job(
            actor, org, uploads, files, seen, currency, decimal, sheet, profile, replaces
        )
    except ValidationError:
        _forget_uploads(org, seen)
        raise


def _forget_uploads(org: Organisation, shas: set[str]) -> None:
    """Remove stored uploads of a refused request that no batch or open job uses."""
    used = set(
        BatchFile.objects.filter(organisation=org, sha256__in=shas).values_list("sha256", flat=True)
    ) | _shas_of_open_jobs(org.pk)
    for sha in shas - used:
        storage.remove(storage.upload_path(org.pk, sha))


def _shas_of_open_jobs(org_id: int) -> set[str]:
    return {
        f["sha256"]
        for job in ImportJob.objects.filter(
            organisation_id=org_id,
            status__in=[
                ImportJob.Status.DRAFT,
                ImportJob.Status.QUEUED,
                ImportJob.Status.RUNNING,
            ],
        )
        for f in job.files
    }


def _create_job(
    actor: Actor,
    org: Organisation,
    uploads: Iterable[Upload],
    files: list[dict[str, Any]],
    seen: set[str],
    currency: str,
    decimal: str,
    sheet: str,
    profile: MappingProfile | None,
    replaces: Batch | None,
) -> ImportJob:
    for upload in uploads:
        try:
            sha, size = storage.store_file(org.pk, upload.handle, max_upload_bytes())
        except storage.TooLarge as exc:
            raise ValidationError(
                _("Filen %(name)s er større end grænsen på %(limit)s MB.")
                % {"name": upload.name, "limit": max_upload_bytes() // 1024**2}
            ) from exc
        if size == 0:
            raise ValidationError(_("Filen %(name)s er tom.") % {"name": upload.name})
        found = _already_imported(org, sha)
        if found is not None and (replaces is None or found.batch_id != replaces.pk):
            raise ValidationError(refused_message(upload.name, found))
        if sha in seen:
            raise ValidationError(_("Filen %(name)s er valgt to gange.") % {"name": upload.name})
        seen.add(sha)
        files.append({"name": upload.name, "sha256": sha, "size": size})
    if not files:
        raise ValidationError(_("Vælg mindst én fil."))
    # One transaction: a file that cannot be read leaves no half-made job behind.
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation=org,
            created_by=actor.user,
            files=files,
            options={"currency": currency.upper() or "DKK", "decimal": decimal, "sheet": sheet},
            profile=profile,
            replaces=replaces,
        )
        prepare_mappings(job)
    return job


def source_path(job: ImportJob, index: int) -> Path:
    return storage.upload_path(job.organisation_id, job.files[index]["sha256"])


def inspect_file(job: ImportJob, index: int) -> SourceInfo:
    """Kind, header, preview and suggestions for one file of a job (TableError if unreadable)."""
    entry = job.files[index]
    return inspect(source_path(job, index), entry["name"], sheet=job.options.get("sheet") or None)


def profile_for(org: Organisation, header: list[str]) -> MappingProfile | None:
    return (
        MappingProfile.objects.filter(organisation=org, header_key=header_key(header))
        .order_by("-updated_at")
        .first()
    )


def prepare_mappings(job: ImportJob) -> ImportJob:
    """Fill in each file's kind, header and mapping; queue the job when nothing is missing."""
    ready = True
    for index, entry in enumerate(job.files):
        try:
            info = inspect_file(job, index)
        except TableError as exc:
            raise ValidationError(f"{entry['name']}: {exc.message}") from exc
        entry["kind"] = info.kind
        entry["header"] = info.header
        if info.kind == UBL:
            entry["mapping"] = {}
            continue
        profile = job.profile
        if profile is not None and profile.header_key != header_key(info.header):
            mapping = _mapping_by_names(profile, info.header)
        else:
            profile = profile or profile_for(job.organisation, info.header)
            mapping = {k: int(v) for k, v in profile.mapping.items()} if profile else info.suggested
        if profile is not None:
            entry["profile"] = profile.name
            if profile.currency and job.options.get("currency") in (None, "", "DKK"):
                job.options["currency"] = profile.currency
            if profile.decimal and not job.options.get("decimal"):
                job.options["decimal"] = profile.decimal
        entry["mapping"] = mapping
        entry["missing"] = missing_required(mapping)
        if entry["missing"] or (profile is None and job.profile is None and not info.suggested):
            ready = False
        elif profile is None:
            entry["auto"] = True
    job.save(update_fields=["files", "options"])
    if ready:
        queue(job)
    return job


def _mapping_by_names(profile: MappingProfile, header: list[str]) -> dict[str, int]:
    """Apply a profile to a file whose columns moved: match the profile's column names."""
    from omlob.core.tabular import normalise_header

    positions = {normalise_header(name): index for index, name in enumerate(header)}
    mapping: dict[str, int] = {}
    for field, column in profile.mapping.items():
        if int(column) < len(profile.header):
            found = positions.get(normalise_header(profile.header[int(column)]))
            if found is not None:
                mapping[field] = found
    return mapping


def confirm_mapping(
    *,
    actor: Actor,
    job: ImportJob,
    index: int,
    mapping: Mapping[str, int],
    currency: str = "",
    decimal: str = "",
    profile_name: str = "",
) -> ImportJob:
    """Take the user's mapping for one file, optionally save it as a profile, maybe queue."""
    from omlob.core.fieldmapping import validate_mapping

    entry = job.files[index]
    try:
        clean = validate_mapping(mapping, len(entry.get("header", [])))
    except MappingError as exc:
        raise ValidationError(exc.message) from exc
    entry["mapping"] = clean
    entry["missing"] = []
    entry["confirmed"] = True
    if currency:
        job.options["currency"] = currency.upper()
    if decimal in (",", "."):
        job.options["decimal"] = decimal
    if profile_name:
        profile, _created = MappingProfile.objects.update_or_create(
            organisation=job.organisation,
            name=profile_name.strip()[:100],
            defaults={
                "header_key": header_key(entry["header"]),
                "header": entry["header"],
                "mapping": clean,
                "currency": job.options.get("currency", "DKK"),
                "decimal": job.options.get("decimal", ""),
                "created_by": actor.user,
            },
        )
        entry["profile"] = profile.name
    job.save(update_fields=["files", "options"])
    if all(_file_ready(f) for f in job.files):
        queue(job)
    return job


def _file_ready(entry: dict[str, Any]) -> bool:
    """An e-invoice file, or a table whose complete mapping was confirmed or recognised."""
    if entry.get("kind") == UBL:
        return True
    complete = bool(entry.get("mapping")) and not entry.get("missing")
    return complete and bool(entry.get("confirmed") or entry.get("auto") or entry.get("profile"))


def queue(job: ImportJob) -> None:
    job.status = ImportJob.Status.QUEUED
    job.stage = _("Venter på en ledig arbejder")
    job.save(update_fields=["status", "stage"])


def enqueue(job: ImportJob) -> None:
    """Hand a queued job to the worker (after the transaction that queued it commits)."""
    from omlob.spend.tasks import run_import_task

    transaction.on_commit(lambda: run_import_task.enqueue(job.pk))


def is_stale(job: ImportJob) -> bool:
    if job.status != ImportJob.Status.RUNNING:
        return False
    last = job.heartbeat or job.started_at
    return last is None or (timezone.now() - last).total_seconds() > STALE_SECONDS


# --- running -------------------------------------------------------------------------------


class _Progress:
    """Write progress to the job row now and then, and pass it on (to a terminal bar)."""

    def __init__(self, job: ImportJob, also: ProgressFn | None) -> None:
        self.job = job
        self.also = also
        self.last = 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        if self.also:
            self.also(stage, fraction)
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL and fraction < 1.0:
            return
        self.last = now
        ImportJob.objects.filter(pk=self.job.pk).update(
            stage=stage[:200], progress=round(fraction, 4), heartbeat=timezone.now()
        )


def lookups_for(org: Organisation) -> Lookups:
    from omlob.spend.queries import unit_codes

    ean_units, cost_centre_units = unit_codes(org)
    return Lookups(
        organisation_id=org.pk,
        ean_units=ean_units,
        cost_centre_units=cost_centre_units,
        line_files=[
            storage.absolute(path)
            for path in Batch.objects.filter(organisation=org).values_list("lines_file", flat=True)
        ],
    )


def sweep_orphans(org: Organisation, *, keep: int | None = None) -> int:
    """Remove what killed imports left behind; returns how many files were removed.

    An import writes its files before it registers them, so a process killed in between
    leaves a file no batch points at. Nothing reads such a file (only registered batches
    are read), but it takes space; jobs that stopped reporting are marked as interrupted.
    """
    with transaction.atomic():
        # Under the import lock: a batch being registered is registered before we look.
        Organisation.objects.select_for_update().get(pk=org.pk)
        return _sweep(org, keep)


def _sweep(org: Organisation, keep: int | None) -> int:
    for job in ImportJob.objects.filter(organisation=org, status=ImportJob.Status.RUNNING):
        if is_stale(job) and job.pk != keep:
            ImportJob.objects.filter(
                pk=job.pk, status=ImportJob.Status.RUNNING, heartbeat=job.heartbeat
            ).update(
                status=ImportJob.Status.FAILED,
                message=_("Importen blev afbrudt, før den blev færdig. Intet fra den er gemt."),
                finished_at=timezone.now(),
            )
    active = set(
        ImportJob.objects.filter(
            organisation=org, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
        ).values_list("pk", flat=True)
    )
    if keep is not None:
        active.add(keep)
    registered = set()
    for lines, rejects in Batch.objects.filter(organisation=org).values_list(
        "lines_file", "rejects_file"
    ):
        registered.update((lines, rejects))
    removed = 0
    for folder in (storage.lines_path(org.pk, 0).parent, storage.rejects_path(org.pk, 0).parent):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if storage.relative(path) in registered:
                continue
            number = path.name.removeprefix("batch-").split(".")[0]
            if number.isdigit() and int(number) in active:
                continue
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def run_job(job_id: int, progress: ProgressFn | None = None) -> ImportJob:
    """Do the import of a queued job; the same code for the worker and ``omlob import``."""
    job = ImportJob.objects.select_related("organisation").get(pk=job_id)
    org = job.organisation
    sweep_orphans(org, keep=job.pk)
    # Claim the job: only one process may run it (a second task for it returns at once).
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), heartbeat=timezone.now()
    )
    job.refresh_from_db()
    if not claimed:
        return job
    report = _Progress(job, progress)
    workdir = storage.work_dir(job.pk)
    options = ImportOptions(
        currency=job.options.get("currency") or "DKK",
        decimal=job.options.get("decimal") or None,
        memory_limit=getattr(settings, "OMLOB_IMPORT_MEMORY", "700MB"),
        threads=int(getattr(settings, "OMLOB_IMPORT_THREADS", 2)),
        zip_limits=zip_limits(),
    )
    lines = storage.lines_path(org.pk, job.pk)
    rejects = storage.rejects_path(org.pk, job.pk)
    try:
        with PurchaseImport(workdir, options, report) as imp:
            count = len(job.files)
            for index, entry in enumerate(job.files):
                info = inspect_file(job, index)
                mapping = {k: int(v) for k, v in (entry.get("mapping") or {}).items()}
                share = (0.8 * index / count, 0.8 * (index + 1) / count)
                imp.add(
                    source_path(job, index),
                    entry["name"],
                    info,
                    None if info.kind == UBL else mapping,
                    share=share,
                )
            result = _register(job, imp, lines, rejects)
    except Exception as exc:
        if not Batch.objects.filter(pk=job.pk).exists():
            storage.remove(lines, rejects)
        message = getattr(exc, "message", None) or "; ".join(
            getattr(exc, "messages", []) or [str(exc)]
        )
        if not isinstance(exc, ValidationError | TableError | MappingError):
            log.exception("import %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            message=str(message)[:2000],
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        return job
    finally:
        storage.remove_tree(workdir)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE,
        progress=1.0,
        stage=_("Færdig"),
        result=result.summary() | {"batch": job.pk, "seconds": round(result.seconds, 2)},
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    _classify_new_batch(job)
    return job


def _classify_new_batch(job: ImportJob) -> None:
    """Queue the classification of the batch just registered (a job of its own)."""
    from omlob.classification.actions import queue_job
    from omlob.classification.models import ClassificationJob

    actor = Actor.of_user(job.created_by) if job.created_by else None
    with transaction.atomic():
        queue_job(job.organisation, ClassificationJob.Kind.CLASSIFY, actor, {"batches": [job.pk]})


@transaction.atomic
def _register(job: ImportJob, imp: PurchaseImport, lines: Path, rejects: Path) -> ImportResult:
    """Duplicates, files and the batch row, serialised per organisation, in one transaction."""
    org = Organisation.objects.select_for_update().get(pk=job.organisation_id)
    for entry in job.files:
        found = _already_imported(org, entry["sha256"])
        if found is not None and found.batch_id != job.replaces_id:
            raise ValidationError(refused_message(entry["name"], found))
    replaced = None
    if job.replaces_id:
        replaced = Batch.objects.filter(pk=job.replaces_id, organisation=org).first()
        if replaced is not None:
            _delete_batch_rows(replaced)
    result = imp.finish(lookups_for(org), job.pk, lines, rejects)
    for entry, info in zip(job.files, result.files, strict=True):
        entry["rows"] = info.get("rows", 0)
        entry["rejected"] = info.get("rejected", 0)
    kinds = sorted({entry.get("kind", "") for entry in job.files})
    batch = Batch.objects.create(
        id=job.pk,
        organisation=org,
        created_by=job.created_by,
        source="+".join(kinds),
        file_names=", ".join(entry["name"] for entry in job.files),
        lines_file=storage.relative(lines),
        rejects_file=storage.relative(rejects),
        accepted=result.accepted,
        rejected=result.rejected,
        duplicates=result.duplicates,
        unmapped_units=result.unmapped_units,
        unmapped_lines=result.unmapped_lines,
        total_dkk=result.total_dkk,
        first_date=result.first_date,
        last_date=result.last_date,
        profile_name=", ".join(sorted({e.get("profile", "") for e in job.files} - {""}))[:100],
        details={"files": job.files, "options": job.options},
    )
    BatchFile.objects.bulk_create(
        BatchFile(
            organisation=org,
            batch=batch,
            name=entry["name"][:255],
            sha256=entry["sha256"],
            size=entry["size"],
            kind=entry.get("kind", ""),
            stored=storage.relative(storage.upload_path(org.pk, entry["sha256"])),
        )
        for entry in job.files
    )
    ImportJob.objects.filter(pk=job.pk).update(files=job.files)
    actor = Actor.of_user(job.created_by) if job.created_by else Actor.system("omlob import")
    record_event(
        organisation=org,
        actor=actor,
        action="imported",
        obj=batch,
        changes={
            "files": [None, batch.file_names],
            "accepted": [None, result.accepted],
            "rejected": [None, result.rejected],
            "duplicates": [None, result.duplicates],
        },
        note=_("erstatter batch %(id)s") % {"id": replaced.pk} if replaced else "",
    )
    return result


def _delete_batch_rows(batch: Batch) -> None:
    """Delete a batch's rows now and its files once the transaction has committed."""
    files = [
        storage.absolute(batch.lines_file),
        storage.absolute(batch.rejects_file),
        storage.classified_path(batch.organisation_id, batch.pk),
    ]
    uploads = list(batch.source_files.values_list("sha256", flat=True))
    org_id = batch.organisation_id
    batch.delete()

    def cleanup() -> None:
        storage.remove(*files)
        still_used = set(
            BatchFile.objects.filter(organisation_id=org_id, sha256__in=uploads).values_list(
                "sha256", flat=True
            )
        )
        active = _shas_of_open_jobs(org_id)
        for sha in set(uploads) - still_used - active:
            storage.remove(storage.upload_path(org_id, sha))

    transaction.on_commit(cleanup)


@transaction.atomic
def delete_batch(*, actor: Actor, batch: Batch) -> None:
    """Remove a batch: its lines disappear from every figure computed afterwards.

    Takes the organisation's import lock, so an import that is deciding what is a duplicate
    never counts lines of a batch that is being deleted.
    """
    Organisation.objects.select_for_update().get(pk=batch.organisation_id)
    record_event(
        organisation=batch.organisation,
        actor=actor,
        action="deleted",
        obj=batch,
        changes={"files": [batch.file_names, None], "accepted": [batch.accepted, None]},
    )
    _delete_batch_rows(batch)


def rerun(*, actor: Actor, batch: Batch) -> ImportJob:
    """Import a batch's files again (with a corrected mapping); replaces it on success."""
    files = list(batch.source_files.all())
    uploads = []
    handles = []
    try:
        for bf in files:
            try:
                handle = storage.absolute(bf.stored).open("rb")
            except (OSError, ValueError) as exc:
                raise ValidationError(
                    _(
                        "Den oprindelige fil %(name)s findes ikke længere og kan ikke "
                        "importeres igen."
                    )
                    % {"name": bf.name}
                ) from exc
            handles.append(handle)
            uploads.append(Upload(bf.name, handle))
        options = batch.details.get("options", {})
        return create_job(
            actor=actor,
            org=batch.organisation,
            uploads=uploads,
            currency=options.get("currency", "DKK"),
            decimal=options.get("decimal", ""),
            sheet=options.get("sheet", ""),
            replaces=batch,
        )
    finally:
        for handle in handles:
            handle.close()


# --- unit codes that match no org unit ---------------------------------------------------


def map_unit_code(*, actor: Actor, org: Organisation, code: str, unit: OrgUnit) -> None:
    """Attach an EAN number or cost-centre code to a unit; its lines follow at once.

    Lines are resolved to units when they are read (the Parquet files are immutable), so
    adding the code to the unit is all it takes.
    """
    if unit.organisation_id != org.pk:
        raise ValidationError(_("Enheden hører ikke til organisationen."))
    code = code.strip()
    eans = list(unit.eans.values_list("ean", flat=True))
    centres = list(unit.cost_centres.values_list("code", flat=True))
    if len(code) == 13 and code.isdigit():
        if UnitEAN.objects.filter(organisation=org, ean=code).exists():
            raise ValidationError(
                _("EAN-nummeret %(code)s er allerede knyttet til en enhed.") % {"code": code}
            )
        eans.append(code)
    else:
        if CostCentre.objects.filter(organisation=org, code=code).exists():
            raise ValidationError(
                _("Omkostningsstedet %(code)s er allerede knyttet til en enhed.") % {"code": code}
            )
        centres.append(code)
    org_actions.update_unit(
        actor=actor,
        unit=unit,
        eans=eans,
        cost_centres=centres,
        note=_("tilknyttet fra listen over ukendte enhedskoder"),
    )
