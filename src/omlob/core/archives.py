"""Read the files inside a zip archive of e-invoices, safely and without touching the disk.

Municipalities export a year of invoices from their e-invoicing inbox as one zip with
thousands of XML files. A zip is also the classic way to attack an upload form: names like
``../../etc/cron.d/x`` (path traversal), a few kB that inflate to many GB ("zip bomb"),
entries that share the same compressed bytes (the overlapping "non-recursive" bomb) or
millions of tiny entries. Members are therefore read straight into memory, one at a time,
and every limit is checked twice: on the sizes the archive *declares* before anything is
decompressed, and on the bytes actually produced while reading in chunks, because
declared sizes are written by whoever made the file and can lie.

Only stored and Deflate members are accepted: that is what Windows, macOS and 7-Zip write
by default, and Python's bzip2/LZMA zip readers decompress a whole read in one call with no
output bound, which would let a bomb allocate its full size before any check could run.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import sys
import zipfile
import zlib
from collections.abc import Iterator

__all__ = [
    "DEFAULT_MAX_MEMBERS",
    "DEFAULT_MAX_MEMBER_BYTES",
    "DEFAULT_MAX_RATIO",
    "DEFAULT_MAX_TOTAL_BYTES",
    "ArchiveError",
    "is_zip",
    "iter_zip_members",
]

DEFAULT_MAX_TOTAL_BYTES = 2 * 1024**3
DEFAULT_MAX_MEMBER_BYTES = 100 * 1024**2
DEFAULT_MAX_RATIO = 200.0
DEFAULT_MAX_MEMBERS = 200_000

#: Below this uncompressed size the compression ratio is not checked: a small file of
#: repeated text (an empty invoice template, a file of spaces) can legitimately compress
#: several hundred times, and a few MB cannot hurt anyway.
RATIO_MIN_BYTES = 1024 * 1024
#: Bytes decompressed per read; bounds the memory a single step can allocate.
CHUNK_BYTES = 1024 * 1024

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty archive
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_LOCAL_HEADER_SIZE = 30
_ENCRYPTED_FLAGS = 0x0001 | 0x0040  # traditional PKWARE and strong encryption
_SUPPORTED_METHODS = {zipfile.ZIP_STORED: "ingen", zipfile.ZIP_DEFLATED: "Deflate"}
_METHOD_NAMES = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 98: "PPMd", 99: "AES"}
_DRIVE = re.compile(r"^[A-Za-z]:")

# Everything the standard library may raise on a damaged archive. Our own ArchiveError is
# a ValueError too, so it is re-raised before this tuple is consulted.
_CORRUPT = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    struct.error,
    ValueError,
    NotImplementedError,
    RuntimeError,
    IndexError,
    KeyError,
    OverflowError,
)


class ArchiveError(ValueError):
    """The archive cannot be read safely; ``message`` is Danish text for the user."""

    def __init__(self, message: str, member: str | None = None) -> None:
        """Keep the member the problem concerns (if any) for logs and UI highlighting."""
        super().__init__(message)
        self.message = message
        self.member = member


def is_zip(data_or_path: bytes | bytearray | memoryview | str | os.PathLike[str]) -> bool:
    """Return True if the bytes (or the file at the path) start like a zip archive.

    A sniff on the first four bytes so an upload can be routed without parsing; renamed
    files (an .xml that is really a zip) are recognised the same way.
    """
    if isinstance(data_or_path, bytes | bytearray | memoryview):
        head = bytes(data_or_path[:4])
    else:
        try:
            with open(data_or_path, "rb") as handle:
                head = handle.read(4)
        except OSError:
            return False
    return head in _ZIP_MAGICS


def iter_zip_members(
    source: bytes | bytearray | memoryview | str | os.PathLike[str],
    *,
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
    max_member_bytes: int = DEFAULT_MAX_MEMBER_BYTES,
    max_ratio: float = DEFAULT_MAX_RATIO,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> Iterator[tuple[str, bytes]]:
    """Yield ``(name, content)`` for each regular file in the zip, in archive order.

    Directories, symbolic links, ``__MACOSX/`` resource forks and hidden dot-files (added
    by macOS and editors, never invoices) are skipped. Nested zips are yielded like any
    other member; the caller decides whether to open them. The whole archive is vetted
    before the first member is yielded, so a hostile archive is refused before any of it
    is imported. Raises :class:`ArchiveError` when the archive is damaged or unsafe.
    """
    try:
        with _open(source, max_members) as archive:
            members = _vetted_members(
                archive, max_total_bytes, max_member_bytes, max_ratio, max_members
            )
            used = 0
            for info in members:
                content = _read_member(
                    archive,
                    info,
                    max_member_bytes,
                    max_total_bytes - used,
                    max_total_bytes,
                    max_ratio,
                )
                used += len(content)
                yield info.filename, content
    except ArchiveError:
        raise
    except _CORRUPT as error:
        raise ArchiveError(
            f"Zip-filen er beskadiget eller er ikke en gyldig zip-fil ({_describe(error)}). "
            "Pak filerne igen, og prøv på ny."
        ) from None


# --- opening and vetting ------------------------------------------------------------------


def _open(
    source: bytes | bytearray | memoryview | str | os.PathLike[str], max_members: int
) -> zipfile.ZipFile:
    """Open the archive after checking the member count it declares.

    Python builds an object per central-directory entry when it opens an archive, so a
    declared count above the limit is refused before that happens.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        buffer = io.BytesIO(bytes(source))
        _check_declared_count(buffer, max_members)
        buffer.seek(0)
        return zipfile.ZipFile(buffer)
    with open(source, "rb") as handle:
        _check_declared_count(handle, max_members)
    # Given a path, ZipFile opens and closes the file itself.
    return zipfile.ZipFile(source)


def _check_declared_count(handle: io.BufferedIOBase, max_members: int) -> None:
    declared = _declared_entry_count(handle)
    if declared is not None and declared > max_members:
        raise ArchiveError(_too_many_message(declared, max_members))


def _declared_entry_count(handle: io.BufferedIOBase) -> int | None:
    """Total entries from the end-of-central-directory record (ZIP64-aware), if found."""
    size = handle.seek(0, io.SEEK_END)
    tail_size = min(size, _EOCD_SIZE + 0xFFFF)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    position = tail.rfind(_EOCD)
    if position < 0 or position + _EOCD_SIZE > len(tail):
        return None
    total = struct.unpack_from("<H", tail, position + 10)[0]
    if total != 0xFFFF:
        return total
    locator = position - 20
    if locator < 0 or tail[locator : locator + 4] != _ZIP64_LOCATOR:
        return None
    (record_offset,) = struct.unpack_from("<Q", tail, locator + 8)
    if record_offset + 56 > size:
        return None
    handle.seek(record_offset)
    record = handle.read(56)
    if len(record) < 56 or record[:4] != _ZIP64_EOCD:
        return None
    return int(struct.unpack_from("<Q", record, 32)[0])


def _vetted_members(
    archive: zipfile.ZipFile,
    max_total_bytes: int,
    max_member_bytes: int,
    max_ratio: float,
    max_members: int,
) -> list[zipfile.ZipInfo]:
    """Check every entry's name and declared sizes; return the members to read."""
    infos = archive.infolist()
    if len(infos) > max_members:
        raise ArchiveError(_too_many_message(len(infos), max_members))
    _refuse_overlapping(infos, getattr(archive, "start_dir", None))
    selected: list[zipfile.ZipInfo] = []
    declared_total = 0
    compressed_total = 0
    for info in infos:
        name = info.filename
        if _is_unsafe_name(name):
            raise ArchiveError(
                f"Zip-filen indeholder filnavnet {name!r}, som peger uden for arkivet. "
                "Zip-filen afvises af sikkerhedshensyn.",
                name,
            )
        if _is_skipped(info):
            continue
        if info.flag_bits & _ENCRYPTED_FLAGS:
            raise ArchiveError(
                f"Filen {name} i zip-filen er beskyttet med adgangskode. Pak filerne uden "
                "adgangskode, og prøv igen.",
                name,
            )
        if info.compress_type not in _SUPPORTED_METHODS:
            method = _METHOD_NAMES.get(info.compress_type, f"nr. {info.compress_type}")
            raise ArchiveError(
                f"Filen {name} i zip-filen er pakket med komprimeringsmetoden {method}, som "
                "ikke understøttes. Pak filerne med almindelig zip (Deflate), fx med "
                "Windows' 'Send til > Komprimeret mappe'.",
                name,
            )
        if info.file_size > max_member_bytes:
            raise ArchiveError(_member_too_big_message(name, max_member_bytes), name)
        declared_total += info.file_size
        compressed_total += info.compress_size
        if declared_total > max_total_bytes:
            raise ArchiveError(_total_too_big_message(max_total_bytes), name)
        if _is_bomb_ratio(info.file_size, info.compress_size, max_ratio):
            raise ArchiveError(_ratio_message(name, max_ratio), name)
        selected.append(info)
    if _is_bomb_ratio(declared_total, compressed_total, max_ratio):
        raise ArchiveError(_ratio_message(None, max_ratio))
    return selected


def _refuse_overlapping(infos: list[zipfile.ZipInfo], central_directory: int | None) -> None:
    """Refuse entries whose compressed data overlap (the "non-recursive" zip bomb).

    Each entry's local header and data must end before the next entry starts. The file
    name and extra field are left out of the bound, so an honest archive never trips it.
    """
    if not infos:
        return
    ordered = sorted(infos, key=lambda info: info.header_offset)
    starts = [info.header_offset for info in ordered[1:]]
    # The last entry's data must end before the central directory.
    starts.append(central_directory if central_directory is not None else sys.maxsize)
    for current, following in zip(ordered, starts, strict=True):
        end = current.header_offset + _LOCAL_HEADER_SIZE + current.compress_size
        if end > following:
            raise ArchiveError(
                "Zip-filen er manipuleret: flere filer deler de samme pakkede data, hvilket "
                "er kendetegnet for en 'zip-bombe'. Zip-filen afvises af sikkerhedshensyn."
            )


def _is_unsafe_name(name: str) -> bool:
    """True for names that would escape a target folder if anyone ever extracted them."""
    if "\x00" in name:
        return True
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or _DRIVE.match(normalised):
        return True
    return ".." in normalised.split("/")


def _is_skipped(info: zipfile.ZipInfo) -> bool:
    """Directories, links, macOS resource forks and hidden files: never e-invoices."""
    name = info.filename.replace("\\", "/")
    if name.endswith("/") or info.is_dir():
        return True
    if stat.S_ISLNK(info.external_attr >> 16):
        return True
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if not parts or parts[0] == "__MACOSX":
        return True
    return any(part.startswith(".") for part in parts)


def _is_bomb_ratio(size: int, compressed: int, max_ratio: float) -> bool:
    return size > RATIO_MIN_BYTES and size > max_ratio * max(compressed, 1)


# --- reading ------------------------------------------------------------------------------


def _read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    max_member_bytes: int,
    remaining_total: int,
    max_total_bytes: int,
    max_ratio: float,
) -> bytes:
    """Decompress one member in chunks, stopping the moment a limit is exceeded."""
    name = info.filename
    chunks: list[bytes] = []
    size = 0
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK_BYTES):
            size += len(chunk)
            if size > max_member_bytes:
                raise ArchiveError(_member_too_big_message(name, max_member_bytes), name)
            if size > remaining_total:
                raise ArchiveError(_total_too_big_message(max_total_bytes), name)
            if _is_bomb_ratio(size, info.compress_size, max_ratio):
                raise ArchiveError(_ratio_message(name, max_ratio), name)
            chunks.append(chunk)
    return b"".join(chunks)


# --- messages -----------------------------------------------------------------------------


def _size_text(size: float) -> str:
    """Human size with a Danish decimal comma ("1,5 GB")."""
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            text = f"{size:.0f}" if unit == "B" else f"{size:.1f}".replace(".", ",")
            return f"{text} {unit}"
        size /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _thousands(number: int) -> str:
    """Danish thousands separator: 200.000."""
    return f"{number:,}".replace(",", ".")


def _too_many_message(count: int, limit: int) -> str:
    return (
        f"Zip-filen indeholder {_thousands(count)} filer; grænsen er {_thousands(limit)}. "
        "Del den op i flere zip-filer."
    )


def _member_too_big_message(name: str, limit: int) -> str:
    return (
        f"Filen {name} i zip-filen fylder mere end {_size_text(limit)} udpakket, som er "
        "grænsen for én fil. En faktura er normalt under 1 MB."
    )


def _total_too_big_message(limit: int) -> str:
    return f"Zip-filen fylder mere end {_size_text(limit)} udpakket. Del den op i flere zip-filer."


def _ratio_message(name: str | None, max_ratio: float) -> str:
    what = f"Filen {name} i zip-filen" if name else "Zip-filen"
    return (
        f"{what} er pakket usædvanligt meget sammen (mere end {max_ratio:g}:1), hvilket "
        "er kendetegnet for en 'zip-bombe'. Den afvises af sikkerhedshensyn."
    )


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
