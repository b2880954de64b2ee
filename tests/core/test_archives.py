"""iter_zip_members on ordinary, hostile (traversal, bombs, encryption) and damaged zips.

Hostile archives are built byte by byte in memory (``raw_zip``) so the tests can write
what no honest zip tool would: lying sizes, overlapping entries, ``../`` names. The 1 GB
bomb is never materialised uncompressed: its Deflate stream is assembled from one
repeated flushed block, so building it costs about a megabyte and a few milliseconds.
"""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omlob.core import archives
from omlob.core.archives import ArchiveError, is_zip, iter_zip_members

MiB = 1024 * 1024
GiB = 1024 * MiB
DOS_DATE = (2026 - 1980) << 9 | 1 << 5 | 15
UNIX_FILE = 0o100644 << 16
UNIX_LINK = 0o120777 << 16


def make_zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """An honest archive written by the standard library."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@dataclass
class Entry:
    """One member of a hand-built archive; every header field can be set to a lie."""

    name: str
    data: bytes = b""  # the bytes stored in the archive (compressed if method is 8)
    method: int = zipfile.ZIP_STORED
    crc: int | None = None
    compress_size: int | None = None
    file_size: int | None = None
    flags: int = 0x0800  # UTF-8 names
    external_attr: int = UNIX_FILE
    header_offset: int | None = None  # point the central directory somewhere else


def raw_zip(entries: list[Entry], declared_count: int | None = None) -> bytes:
    """Assemble local headers, data, central directory and end record by hand."""
    out = bytearray()
    central = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-8")
        crc = zlib.crc32(entry.data) if entry.crc is None else entry.crc
        compress_size = len(entry.data) if entry.compress_size is None else entry.compress_size
        file_size = len(entry.data) if entry.file_size is None else entry.file_size
        offset = len(out)
        out += struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            20,
            entry.flags,
            entry.method,
            0,
            DOS_DATE,
            crc,
            compress_size,
            file_size,
            len(name),
            0,
        )
        out += name + entry.data
        central += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            0x031E,  # made by Unix, spec 3.0
            20,
            entry.flags,
            entry.method,
            0,
            DOS_DATE,
            crc,
            compress_size,
            file_size,
            len(name),
            0,
            0,
            0,
            0,
            entry.external_attr,
            offset if entry.header_offset is None else entry.header_offset,
        )
        central += name
    count = len(entries) if declared_count is None else declared_count
    directory_offset = len(out)
    out += central
    out += struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), directory_offset, 0
    )
    return bytes(out)


def deflated_zeros(size: int) -> bytes:
    """Raw Deflate stream of ``size`` zero bytes (a multiple of 1 MiB) without making them.

    After a full flush the compressor starts from scratch, so every further MiB of zeros
    compresses to exactly the same bytes; the block is computed once and repeated.
    """
    assert size % MiB == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MiB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(bytes(MiB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == again
    return block * (size // MiB) + compressor.flush(zlib.Z_FINISH)


def test_deflated_zeros_helper_is_correct() -> None:
    stream = deflated_zeros(8 * MiB)
    assert zlib.decompress(stream, -15) == bytes(8 * MiB)


# --- ordinary archives ------------------------------------------------------------------------


def test_yields_regular_files_in_order_and_skips_noise() -> None:
    nested = make_zip({"inner.xml": b"<Invoice/>"})
    data = make_zip(
        {
            "fakturaer/": b"",
            "fakturaer/2026/æøå-faktura.xml": b"<Invoice>Frugtkurv</Invoice>",
            "__MACOSX/fakturaer/._æøå-faktura.xml": b"\x00\x05\x16\x07",
            ".DS_Store": b"junk",
            "fakturaer/.~lock.x.xml#": b"junk",
            "./fakturaer/b.xml": b"<b/>",
            "tom.xml": b"",
            "indlejret.zip": nested,
        }
    )
    members = list(iter_zip_members(data))
    assert [name for name, _ in members] == [
        "fakturaer/2026/æøå-faktura.xml",
        "./fakturaer/b.xml",
        "tom.xml",
        "indlejret.zip",
    ]
    assert members[0][1] == b"<Invoice>Frugtkurv</Invoice>"
    assert members[2][1] == b""
    assert is_zip(members[3][1])  # nested zips are handed to the caller as bytes


def test_stored_members_and_path_source(tmp_path: Path) -> None:
    data = make_zip({"a.xml": b"<a/>" * 100, "b.xml": b"<b/>"}, zipfile.ZIP_STORED)
    path = tmp_path / "bilag.zip"
    path.write_bytes(data)
    assert list(iter_zip_members(path)) == [("a.xml", b"<a/>" * 100), ("b.xml", b"<b/>")]
    assert list(iter_zip_members(str(path))) == list(iter_zip_members(data))
    assert list(iter_zip_members(bytearray(data))) == list(iter_zip_members(data))


def test_symlink_members_are_skipped() -> None:
    data = raw_zip(
        [
            Entry("link.xml", b"/etc/passwd", external_attr=UNIX_LINK),
            Entry("real.xml", b"<Invoice/>"),
        ]
    )
    assert list(iter_zip_members(data)) == [("real.xml", b"<Invoice/>")]


def test_small_highly_compressible_file_is_fine() -> None:
    # 512 kB of spaces compresses about 1000:1, but is far too small to hurt anyone.
    data = make_zip({"blank.xml": b" " * (512 * 1024)})
    [(_, content)] = list(iter_zip_members(data))
    assert len(content) == 512 * 1024


def test_empty_archive() -> None:
    data = make_zip({})
    assert is_zip(data)
    assert list(iter_zip_members(data)) == []


def test_is_zip(tmp_path: Path) -> None:
    data = make_zip({"a.xml": b"<a/>"})
    path = tmp_path / "a.zip"
    path.write_bytes(data)
    assert is_zip(data)
    assert is_zip(path)
    assert is_zip(memoryview(data))
    assert not is_zip(b"<?xml version='1.0'?>")
    assert not is_zip(b"")
    assert not is_zip(tmp_path / "missing.zip")


# --- hostile names, encryption, methods -------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../evil.xml",
        "fakturaer/../../evil.xml",
        "/etc/cron.d/evil",
        "C:/Windows/evil.xml",
        "c:evil.xml",
        "..\\..\\evil.xml",
        "fakturaer\\..\\..\\evil.xml",
        "\\\\server\\share\\evil.xml",
        "../",
    ],
)
def test_path_traversal_names_are_refused(name: str) -> None:
    data = raw_zip([Entry("ok.xml", b"<a/>"), Entry(name, b"x")])
    with pytest.raises(ArchiveError) as caught:
        list(iter_zip_members(data))
    assert "uden for arkivet" in caught.value.message


def test_refused_before_anything_is_yielded() -> None:
    data = raw_zip([Entry("ok.xml", b"<a/>"), Entry("../evil.xml", b"x")])
    members = iter_zip_members(data)
    with pytest.raises(ArchiveError):
        next(members)


def test_dotted_but_safe_names_are_allowed() -> None:
    data = raw_zip([Entry("faktura..xml", b"1"), Entry("a..b/c.xml", b"2")])
    assert [name for name, _ in iter_zip_members(data)] == ["faktura..xml", "a..b/c.xml"]


def test_encrypted_member_is_refused() -> None:
    data = raw_zip([Entry("hemmelig.xml", b"\x00" * 40, flags=0x0801)])
    with pytest.raises(ArchiveError, match="adgangskode") as caught:
        list(iter_zip_members(data))
    assert caught.value.member == "hemmelig.xml"


def test_bzip2_member_is_refused() -> None:
    data = make_zip({"a.xml": b"<a/>" * 10}, zipfile.ZIP_BZIP2)
    with pytest.raises(ArchiveError, match="bzip2"):
        list(iter_zip_members(data))


# --- limits -----------------------------------------------------------------------------------


def test_too_many_members() -> None:
    data = make_zip({f"{index}.xml": b"<a/>" for index in range(11)})
    assert len(list(iter_zip_members(data, max_members=11))) == 11
    with pytest.raises(ArchiveError, match="11 filer; grænsen er 10"):
        list(iter_zip_members(data, max_members=10))


def test_declared_member_count_is_checked_before_the_directory_is_read() -> None:
    data = raw_zip([Entry("a.xml", b"<a/>")], declared_count=60_000)
    with pytest.raises(ArchiveError, match=r"60\.000 filer; grænsen er 50\.000"):
        list(iter_zip_members(data, max_members=50_000))


def test_member_and_total_limits() -> None:
    data = make_zip({"a.xml": b"a" * 600, "b.xml": b"b" * 600})
    with pytest.raises(ArchiveError, match="grænsen for én fil") as caught:
        list(iter_zip_members(data, max_member_bytes=500))
    assert caught.value.member == "a.xml"
    with pytest.raises(ArchiveError, match="Del den op"):
        list(iter_zip_members(data, max_total_bytes=1000))
    assert len(list(iter_zip_members(data, max_total_bytes=1200, max_member_bytes=600))) == 2


def test_compression_ratio_bomb_is_refused() -> None:
    data = make_zip({"nuller.xml": bytes(10 * MiB)})  # ~1000:1, under every size limit
    assert len(data) < 100_000
    with pytest.raises(ArchiveError, match="zip-bombe"):
        list(iter_zip_members(data))
    [(_, content)] = list(iter_zip_members(data, max_ratio=2000))
    assert len(content) == 10 * MiB


def _bomb(declared_size: int) -> bytes:
    stream = deflated_zeros(GiB)
    entry = Entry("bombe.xml", stream, method=zipfile.ZIP_DEFLATED, crc=0, file_size=declared_size)
    return raw_zip([Entry("ok.xml", b"<Invoice/>"), entry])


def _refused_cheaply(data: bytes, **limits: float) -> ArchiveError:
    """Run the reader under tracemalloc; it must fail fast without inflating the bomb."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ArchiveError) as caught:
            for _ in iter_zip_members(data, **limits):
                pass
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 5.0
    assert peak < 40 * MiB, f"peak {peak / MiB:.1f} MiB"
    return caught.value


def test_one_gigabyte_bomb_with_honest_header_is_refused_before_reading() -> None:
    data = _bomb(declared_size=GiB)
    assert len(data) < 2 * MiB
    error = _refused_cheaply(data)
    assert error.member == "bombe.xml"


def test_one_gigabyte_bomb_with_lying_header_is_never_inflated() -> None:
    # Declares 1,000 bytes: every declared-size check passes, the data says otherwise.
    error = _refused_cheaply(_bomb(declared_size=1000))
    assert "beskadiget" in error.message


def test_streaming_limits_hold_even_if_the_declared_sizes_were_believed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Switch the up-front checks off: the chunked reader alone still stops the bomb."""

    def no_vetting(archive: zipfile.ZipFile, *args: object) -> list[zipfile.ZipInfo]:
        return [info for info in archive.infolist() if not archives._is_skipped(info)]

    monkeypatch.setattr(archives, "_vetted_members", no_vetting)
    data = _bomb(declared_size=GiB)
    error = _refused_cheaply(data, max_member_bytes=8 * MiB)
    assert "grænsen for én fil" in error.message
    error = _refused_cheaply(data, max_member_bytes=GiB, max_total_bytes=8 * MiB)
    assert "Del den op" in error.message
    error = _refused_cheaply(data, max_member_bytes=GiB, max_ratio=5)
    assert "zip-bombe" in error.message


def test_overlapping_entries_bomb_is_refused() -> None:
    """Fifield's non-recursive bomb: many directory entries share one compressed kernel."""
    kernel = zlib.compress(bytes(MiB), 9)[2:-4]  # raw Deflate, without the zlib wrapper
    single = raw_zip(
        [
            Entry(
                "kerne.xml",
                kernel,
                method=zipfile.ZIP_DEFLATED,
                crc=zlib.crc32(bytes(MiB)),
                file_size=MiB,
            )
        ]
    )
    assert list(iter_zip_members(single)) == [("kerne.xml", bytes(MiB))]
    directory_offset = struct.unpack_from("<L", single, len(single) - 6)[0]
    record = single[directory_offset : len(single) - 22]
    overlapped = single[:directory_offset] + record * 3
    overlapped += struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, 3, 3, len(record) * 3, directory_offset, 0
    )
    with pytest.raises(ArchiveError, match="deler de samme"):
        list(iter_zip_members(overlapped))


# --- damaged archives -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 not really a zip",
        b"",
        b"<?xml version='1.0'?><Invoice/>",
        make_zip({"a.xml": b"<a/>" * 1000})[:-30],
    ],
    ids=["magic-only", "empty", "xml", "truncated"],
)
def test_damaged_archives(data: bytes) -> None:
    with pytest.raises(ArchiveError, match="beskadiget"):
        list(iter_zip_members(data))


def test_crc_mismatch_is_reported() -> None:
    data = raw_zip([Entry("a.xml", b"<Invoice/>", crc=12345)])
    with pytest.raises(ArchiveError, match="beskadiget"):
        list(iter_zip_members(data))


def test_missing_path_is_an_archive_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError):
        list(iter_zip_members(tmp_path / "findes-ikke.zip"))


# --- fuzzing ----------------------------------------------------------------------------------

FUZZ_SETTINGS = settings(
    max_examples=200,
    deadline=1000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEED_ZIPS = [
    make_zip({"a.xml": b"<Invoice>" + b"x" * 300 + b"</Invoice>", "b/c.xml": b"<c/>"}),
    make_zip({"s.xml": b"stored content"}, zipfile.ZIP_STORED),
    raw_zip([Entry("r.xml", b"raw"), Entry("d/", b"")]),
]


def _members_or_archive_error(data: bytes) -> None:
    start = time.perf_counter()
    try:
        members = list(iter_zip_members(data, max_total_bytes=64 * MiB))
    except ArchiveError as error:
        assert error.message
    else:
        assert all(isinstance(name, str) and isinstance(body, bytes) for name, body in members)
    assert time.perf_counter() - start < 0.5


@FUZZ_SETTINGS
@given(st.binary(max_size=2048))
def test_fuzz_arbitrary_bytes(data: bytes) -> None:
    _members_or_archive_error(data)
    _members_or_archive_error(b"PK\x03\x04" + data)


@FUZZ_SETTINGS
@given(
    st.sampled_from(SEED_ZIPS),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=6),
    st.floats(0, 1),
)
def test_fuzz_mutated_archives(data: bytes, flips: list[tuple[float, int]], keep: float) -> None:
    mutated = bytearray(data)
    for where, value in flips:
        mutated[int(where * len(mutated))] = value
    _members_or_archive_error(bytes(mutated[: max(1, int(keep * len(mutated)))]))
