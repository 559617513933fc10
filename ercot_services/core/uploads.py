"""Checking uploaded files: size, and type by content (never by the name the browser sent)."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# What may be uploaded: detected MIME type → a label for error messages.
DOCUMENT_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/tiff": "TIFF image",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
    "text/plain": "text or CSV file",
}
PDF_AND_IMAGES = {k: v for k, v in DOCUMENT_TYPES.items() if k == "application/pdf" or k.startswith("image/")}


@dataclass(frozen=True)
class CheckedUpload:
    file: object
    content_type: str
    size: int
    safe_name: str


def _sniff(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if not head:
        return None
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the 8 KiB boundary is still text.
        if error.start < len(head) - 4:
            return None
    return "text/plain"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def safe_filename(name: str, fallback: str = "download") -> str:
    """A name that is safe in a Content-Disposition header and on any file system."""
    name = os.path.basename((name or "").replace("\\", "/"))
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem.strip(" ."):
        stem, extension = name, ""  # no extension, or a dotfile such as ".hidden"
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", _ascii(stem)).strip(" .")
    extension = re.sub(r"[^A-Za-z0-9]+", "", _ascii(extension))[:10]
    if not extension:
        return stem[:150] or fallback
    if not stem.strip("_"):
        stem = fallback
    return f"{stem[: 149 - len(extension)]}.{extension}"


def check_upload(upload, *, max_bytes: int, allowed: dict[str, str] = DOCUMENT_TYPES) -> CheckedUpload:
    """Validate one uploaded file or raise ``ValidationError`` with a message for the person uploading."""
    if upload.size > max_bytes:
        raise ValidationError(
            f"“{upload.name}” is {filesizeformat(upload.size)}; the limit is {filesizeformat(max_bytes)}."
        )
    if upload.size == 0:
        raise ValidationError(f"“{upload.name}” is empty.")
    mime = _sniff(upload)
    if mime not in allowed:
        kinds = ", ".join(sorted(set(allowed.values())))
        raise ValidationError(f"“{upload.name}” is not an accepted file type. Accepted: {kinds}.")
    return CheckedUpload(file=upload, content_type=mime, size=upload.size, safe_name=safe_filename(upload.name))
