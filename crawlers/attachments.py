"""Text of policy documents published as PDF or Word attachments.

Bounded: at most MAX_PDF_PAGES pages and MAX_CHARS characters per file (the download
itself is bounded by CRAWL_ATTACHMENT_MAXSIZE). Legacy binary .doc files are recorded
as attachments without text. A damaged file raises AttachmentError, which the crawl
counts; it never fails the article that links it.
"""

from __future__ import annotations

import io
import logging
import zipfile

MAX_PDF_PAGES = 60
MAX_CHARS = 200_000

log = logging.getLogger(__name__)


class AttachmentError(Exception):
    """An attachment whose text cannot be read."""


def attachment_kind(url: str, content_type: str | None, body: bytes) -> str:
    """"pdf", "docx", "doc" or "other", from the bytes first, then type and name."""
    ctype = (content_type or "").lower()
    path = url.split("?")[0].lower()
    if body.startswith(b"%PDF") or "pdf" in ctype:
        return "pdf"
    if body.startswith(b"PK") and (path.endswith(".docx") or "wordprocessingml" in ctype):
        return "docx"
    if body.startswith(b"\xd0\xcf\x11\xe0") or path.endswith(".doc") or "msword" in ctype:
        return "doc"
    return "other"


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(body))
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise AttachmentError(f"unreadable PDF: {exc}") from None
    return "\n".join(pages)


def _docx_text(body: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(body))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise AttachmentError(f"unreadable Word file: {exc}") from None
    return "\n".join(p.text for p in document.paragraphs if p.text.strip())


def attachment_text(url: str, content_type: str | None, body: bytes) -> str:
    kind = attachment_kind(url, content_type, body)
    if kind == "pdf":
        text = _pdf_text(body)
    elif kind == "docx":
        text = _docx_text(body)
    else:
        return ""  # legacy .doc and anything else: linked, not read
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())[:MAX_CHARS]
