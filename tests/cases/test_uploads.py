"""Upload checks: type by content (never by name), size limits, safe names, and where case files are stored."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseAttachment
from ercot_services.core.uploads import DOCUMENT_TYPES, PDF_AND_IMAGES, check_upload, safe_filename

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 120


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00"))
        + chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    """The same bytes on every call: a parameter's bytes are its test id, and xdist workers that collect different
    ids (a member stamped with the clock, a second apart) refuse to run at all."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("payload.js", date_time=(2026, 1, 1, 0, 0, 0)), "alert(1)")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    # The browser's content type is deliberately wrong or generic: it must not matter.
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    "name, content, mime",
    [
        ("statement.pdf", PDF, "application/pdf"),
        ("screenshot.png", png_bytes(), "image/png"),
        (
            "charges.csv",
            "operating_day,charge,amount\n2026-11-18,DA Energy Imbalance,1250.75\nAcmé Énergie,x,1\n".encode(),
            "text/plain",
        ),
        ("notes.txt", b"plain ascii notes\r\n", "text/plain"),
        ("scan", PDF, "application/pdf"),  # no extension at all: still a PDF by content
        ("photo.pdf", png_bytes(), "image/png"),  # misnamed but harmless: stored with its real type
    ],
)
def test_accepted_files(name, content, mime):
    checked = check_upload(upload(name, content, content_type="application/x-msdownload"), max_bytes=MB)
    assert checked.content_type == mime
    assert checked.size == len(content)
    assert checked.safe_name == name
    checked.file.seek(0)
    assert checked.file.read() == content  # the check leaves the file readable from the start


def test_a_utf8_character_cut_at_the_sniffing_boundary_is_still_text():
    content = b"a" * 8191 + "é".encode() + b"\n"
    assert check_upload(upload("big.csv", content), max_bytes=MB).content_type == "text/plain"


@pytest.mark.parametrize(
    "name, content",
    [
        ("invoice.pdf", ELF),  # a Linux executable renamed .pdf
        ("invoice.pdf", EXE),  # a Windows executable renamed .pdf
        ("evidence.pdf", zip_bytes()),  # a zip renamed .pdf
        ("data.csv", b"col1,col2\n\x00\x01\x02binary\n"),  # NUL bytes are not text
        ("data.csv", b"\xff\xfe\xfa\xfb not utf-8 at all " * 10),
    ],
)
def test_refused_by_content(name, content):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, content, content_type="application/pdf"), max_bytes=MB)
    [message] = refused.value.messages
    assert f"“{name}”" in message
    assert "is not an accepted file type" in message
    assert "PDF" in message


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("empty.pdf", b""), max_bytes=MB)
    assert refused.value.messages == ["“empty.pdf” is empty."]


def test_an_oversized_file_is_refused_before_reading_it():
    content = PDF + b"0" * (2 * MB)
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("huge.pdf", content), max_bytes=2 * MB)
    [message] = refused.value.messages
    assert "“huge.pdf”" in message
    assert "2.0\xa0MB" in message  # the limit, in a form people read
    # Exactly at the limit is fine.
    exact = PDF + b"0" * (2 * MB - len(PDF))
    assert check_upload(upload("exact.pdf", exact), max_bytes=2 * MB).size == 2 * MB


def test_a_narrower_allow_list():
    assert check_upload(upload("a.png", png_bytes()), max_bytes=MB, allowed=PDF_AND_IMAGES).content_type == "image/png"
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("a.csv", b"a,b\n1,2\n"), max_bytes=MB, allowed=PDF_AND_IMAGES)
    assert "text or CSV" not in refused.value.messages[0]
    assert "PDF" in refused.value.messages[0]
    assert set(PDF_AND_IMAGES) < set(DOCUMENT_TYPES)


@pytest.mark.parametrize(
    "raw, safe",
    [
        ("../../etc/passwd", "passwd"),
        ("/var/www/static/evil.pdf", "evil.pdf"),
        ("Résumé final.pdf", "Resume final.pdf"),
        ('inv"oice\r\n.pdf', "inv_oice_.pdf"),
        ("a;b|c<d>e.pdf", "a_b_c_d_e.pdf"),
        ("...", "download"),
        ("", "download"),
        (None, "download"),
        ("  .hidden  ", "hidden"),
        ("统计.csv", "download.csv"),  # nothing ASCII left of the name: a neutral one, extension kept
    ],
)
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


def test_safe_filename_of_a_windows_path_keeps_no_separator():
    name = safe_filename("C:\\Users\\pat\\evil.pdf")
    assert "\\" not in name and ":" not in name and "/" not in name
    assert name.endswith("evil.pdf")


def test_safe_filename_is_bounded():
    assert len(safe_filename("a" * 400 + ".pdf")) == 150


# --- attachments of a case ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_attachments_are_stored_under_a_random_name_outside_the_web_root(submit, mp_user):
    checked = check_upload(upload("../Our Statement (final).pdf", PDF), max_bytes=MB)
    case = submit(attachments=[checked])
    [attachment] = CaseAttachment.objects.filter(case=case)
    assert attachment.original_name == "Our Statement _final_.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.uploaded_by == mp_user
    assert not attachment.is_internal
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert "Statement" not in stored.name and not stored.suffix
    assert stored.read_bytes() == PDF
    for public in (settings.STATIC_ROOT, *getattr(settings, "STATICFILES_DIRS", [])):
        if public:
            assert not stored.is_relative_to(Path(public))
