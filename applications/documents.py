"""Uploaded documents: type checked by content (not by name or browser header), size limited, stored under
MEDIA_ROOT (outside the web root) with a random name, and read back only through a permission-checked view."""

import secrets

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from applications.errors import CaseError
from applications.models import ApplicationDocument
from core.errors import DomainError

# Leading bytes of each accepted format, and the extension the stored file gets.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_bytes() -> int:
    return getattr(settings, "JIUZHU_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def check(uploaded) -> tuple[str, str]:
    """The content type and extension of an acceptable upload, or a DomainError."""
    if uploaded.size == 0:
        raise DomainError(CaseError.DOCUMENT_EMPTY)
    if uploaded.size > max_bytes():
        raise DomainError(CaseError.DOCUMENT_TOO_LARGE, limit=filesizeformat(max_bytes()))
    uploaded.seek(0)
    kind = sniff(uploaded.read(16))
    uploaded.seek(0)
    if kind is None:
        raise DomainError(CaseError.DOCUMENT_TYPE)
    return kind


def store(*, application, by, kind: str, uploaded) -> ApplicationDocument:
    content_type, extension = check(uploaded)
    document = ApplicationDocument(
        application=application,
        kind=kind,
        token=secrets.token_hex(16),
        extension=extension,
        original_name=(uploaded.name or "")[-200:],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=by,
    )
    document.file.save("upload", uploaded, save=False)
    document.save()
    return document
