"""Checking an uploaded material: size, type by content, a safe name, its SHA-256.

The client's file name and declared type are never trusted: the type is read from
the first bytes, the stored name is random, and the name kept for display is
stripped of any path.
"""

import hashlib
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.errors import RuleBroken, TooLarge
from apps.core.middleware import too_large_message

# magic bytes -> (content type, extension)
SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]


class UploadTooLarge(TooLarge):
    """413 at the API."""

    def __init__(self, limit: int):
        super().__init__(too_large_message(limit))
        self.limit = limit


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str
    safe_name: str
    storage_name: str


def max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def safe_display_name(name: str, extension: str) -> str:
    """The last path component, without control characters, capped in length."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip().lstrip(".") or f"file.{extension}"
    return base[-150:]


def check(upload) -> CheckedUpload:
    if upload.size > max_bytes():
        raise UploadTooLarge(max_bytes())
    if upload.size == 0:
        raise RuleBroken({"file": _("The file is empty.")})
    upload.seek(0)
    head = upload.read(16)
    match = next(((ctype, ext) for magic, ctype, ext in SIGNATURES if head.startswith(magic)), None)
    if match is None:
        raise RuleBroken({"file": _("Only PDF, JPEG and PNG files are accepted; this file's content is none "
                                    "of them, whatever its name says.")})
    content_type, extension = match
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(content_type=content_type, size=upload.size, sha256=digest.hexdigest(),
                         safe_name=safe_display_name(upload.name, extension),
                         storage_name=f"{uuid.uuid4().hex}.{extension}")
