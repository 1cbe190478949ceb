"""Uploaded files: what each kind accepts, checked on content as well as name, stored and served safely.

A file is accepted only when its extension is on the kind's allow-list AND its first bytes (or its zip
directory) prove it is that format: an HTML page or an executable renamed ``.pdf`` is refused, so is a PDF
renamed ``.exe``. Stored names are random (the person's name is kept apart, cleaned, for display), and
files go back out only through authenticated views, as attachments with a content type from this
allow-list, never guessed from the name a person chose. Every form, service and admin page uses these
validators; nothing is served from ``MEDIA_URL``.
"""

import codecs
import io
import os
import re
import unicodedata
import uuid
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # the stubs' type of a lazy translation
    from PIL.Image import Image

# check(file, head) -> bool, True when the content really is this format
Check = Callable[[IO[bytes], bytes], bool]

HEAD_BYTES = 64
# [Content_Types].xml of a real Office file is a few kilobytes; a bigger one is not worth reading.
MAX_CONTENT_TYPES_BYTES = 256 * 1024
# What browsers sniff as markup (WHATWG MIME sniffing, plus SVG): refused even inside a .txt or .csv.
MARKUP_TAGS = re.compile(
    rb"^(?:<!--|<\?xml|<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|svg)"
    rb"[\s>/])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Format:
    label: "str | _StrPromise"  # lazily translated where it is a word, not a brand
    extensions: tuple[str, ...]  # the first one is the one files are stored and downloaded under
    content_type: str
    check: Check

    @property
    def extension(self) -> str:
        return self.extensions[0]


def _starts_with(*signatures: bytes) -> Check:
    return lambda file, head: head.startswith(signatures)


def _is_webp(file: IO[bytes], head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _zip_entries(file: IO[bytes]) -> tuple[zipfile.ZipFile | None, list[zipfile.ZipInfo]]:
    try:
        archive = zipfile.ZipFile(file)
        return archive, archive.infolist()
    except Exception:  # zipfile raises many kinds on a damaged or hostile archive
        return None, []


def _is_office_open_xml(main_content_type: str) -> Check:
    pattern = re.compile(rb"ContentType\s*=\s*[\"']" + re.escape(main_content_type.encode()) + rb"[\"']")

    def check(file: IO[bytes], head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        archive, entries = _zip_entries(file)
        if archive is None:
            return False
        names = {entry.filename.lower(): entry for entry in entries}
        content_types = names.get("[content_types].xml")
        if content_types is None or content_types.file_size > MAX_CONTENT_TYPES_BYTES:
            return False
        # Macro-enabled documents (.docm, .xlsm) share the container: their macros are refused here.
        if any(name.endswith("vbaproject.bin") for name in names):
            return False
        try:
            declared = archive.read(content_types)
        except Exception:
            return False
        return bool(pattern.search(declared)) and b"macroenabled" not in declared.lower()

    return check


def _is_open_document(mimetype: str) -> Check:
    def check(file: IO[bytes], head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        archive, entries = _zip_entries(file)
        if archive is None or not entries:
            return False
        first = entries[0]
        # The OpenDocument spec: the first entry is "mimetype", stored uncompressed, naming the type.
        if first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED or first.file_size > 100:
            return False
        try:
            return archive.read(first) == mimetype.encode("ascii")
        except Exception:
            return False

    return check


def _is_plain_text(file: IO[bytes], head: bytes) -> bool:
    content = file.read()
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text": UTF-16, so full of zero bytes, but announced by its byte-order mark.
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            return False
        return "\x00" not in text and not MARKUP_TAGS.match(text.lstrip().encode("utf-8"))
    if b"\x00" in content:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not MARKUP_TAGS.match(text.lstrip().encode("utf-8"))
    return False


PDF = Format("PDF", (".pdf",), "application/pdf", _starts_with(b"%PDF-"))
PNG = Format("PNG", (".png",), "image/png", _starts_with(b"\x89PNG\r\n\x1a\n"))
JPEG = Format("JPEG", (".jpg", ".jpeg"), "image/jpeg", _starts_with(b"\xff\xd8\xff"))
GIF = Format("GIF", (".gif",), "image/gif", _starts_with(b"GIF87a", b"GIF89a"))
WEBP = Format("WebP", (".webp",), "image/webp", _is_webp)
DOCX = Format(
    "Word (.docx)",
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    _is_office_open_xml("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
)
XLSX = Format(
    "Excel (.xlsx)",
    (".xlsx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    _is_office_open_xml("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
)
PPTX = Format(
    "PowerPoint (.pptx)",
    (".pptx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    _is_office_open_xml("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
)
ODT = Format(
    _("OpenDocument text (.odt)"),
    (".odt",),
    "application/vnd.oasis.opendocument.text",
    _is_open_document("application/vnd.oasis.opendocument.text"),
)
ODS = Format(
    _("OpenDocument spreadsheet (.ods)"),
    (".ods",),
    "application/vnd.oasis.opendocument.spreadsheet",
    _is_open_document("application/vnd.oasis.opendocument.spreadsheet"),
)
ODP = Format(
    _("OpenDocument presentation (.odp)"),
    (".odp",),
    "application/vnd.oasis.opendocument.presentation",
    _is_open_document("application/vnd.oasis.opendocument.presentation"),
)
TEXT = Format(_("text (.txt)"), (".txt",), "text/plain; charset=utf-8", _is_plain_text)
CSV = Format("CSV", (".csv", ".tsv"), "text/csv; charset=utf-8", _is_plain_text)


@dataclass(frozen=True)
class Kind:
    """What one kind of upload accepts: formats, and the setting naming its size limit (None: the caller's)."""

    name: str
    formats: tuple[Format, ...]
    max_bytes_setting: str | None
    refused: "str | _StrPromise"  # the message for a file type that is not on the list

    @property
    def max_bytes(self) -> int | None:
        return getattr(settings, self.max_bytes_setting) if self.max_bytes_setting else None

    def format_for(self, name: str | None) -> Format | None:
        extension = os.path.splitext(name or "")[1].lower()
        return next((fmt for fmt in self.formats if extension in fmt.extensions), None)

    @property
    def labels(self) -> str:
        return ", ".join(str(fmt.label) for fmt in self.formats)


RESOURCE = Kind(
    "resource",
    (PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, PNG, JPEG, GIF, WEBP, TEXT, CSV),
    "RESOURCE_UPLOAD_MAX_BYTES",
    _("“%(name)s” cannot be uploaded: the accepted files are %(formats)s."),
)
LOGO = Kind(
    "logo",
    (PNG, JPEG, GIF, WEBP),
    "LOGO_UPLOAD_MAX_BYTES",
    _("“%(name)s” cannot be used as a logo: the accepted images are %(formats)s."),
)
# The import sizes its own files (programmes.imports.MAX_FILE_BYTES, with a message in rows).
PARTICIPANT_FILE = Kind(
    "participant_file",
    (CSV, XLSX, TEXT),
    None,
    _("This file is neither a CSV nor an Excel (.xlsx) file."),
)


def _megabytes(size: int) -> str:
    megabytes = round(size / 1024 / 1024, 1)
    return number_format(int(megabytes) if megabytes == int(megabytes) else megabytes)


def check_upload(file: File, kind: Kind) -> Format:
    """The file's format from ``kind``'s allow-list, or ValidationError saying why it is refused.

    The extension chooses the one format the content must then prove; the file is left at its start.
    """
    name = clean_filename(getattr(file, "name", ""))
    if kind.max_bytes is not None and file.size > kind.max_bytes:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s MB): the limit is %(limit)s MB."),
            code="file_too_large",
            params={"name": name, "size": _megabytes(file.size), "limit": _megabytes(kind.max_bytes)},
        )
    fmt = kind.format_for(name)
    if fmt is None:
        raise ValidationError(kind.refused, code="file_type", params={"name": name, "formats": kind.labels})
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    try:
        genuine = fmt.check(file, head)
    finally:
        file.seek(0)
    if not genuine:
        raise ValidationError(
            _("“%(name)s” is not a real %(format)s file: its content does not match its name."),
            code="file_content",
            params={"name": name, "format": fmt.label},
        )
    return fmt


def _new_content(value: object) -> bool:
    """Only a file being uploaded is checked: one already stored was accepted by the rules of its day."""
    return not (isinstance(value, FieldFile) and value._committed)  # type: ignore[attr-defined]  # not in the stubs


def validate_resource_file(value: File | None) -> None:
    if value and _new_content(value):
        check_upload(value, RESOURCE)


def validate_participant_file(value: File | None) -> None:
    if value and _new_content(value):
        check_upload(value, PARTICIPANT_FILE)


def validate_logo(value: File | None) -> None:
    if value and _new_content(value):
        _open_logo(value).close()


UNREADABLE_IMAGE = _("This image cannot be read: save it again as PNG or JPEG.")


def _open_logo(file: File) -> "Image":
    from PIL import Image

    check_upload(file, LOGO)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)  # reads the header only: the size is known before any decoding
            width, height = image.size
            if width * height > settings.LOGO_MAX_PIXELS:
                raise ValidationError(
                    _(
                        "The image is too large (%(width)s × %(height)s pixels): a logo has at most %(max)s pixels."
                    ),
                    code="image_pixels",
                    params={"width": width, "height": height, "max": settings.LOGO_MAX_PIXELS},
                )
            image.verify()
            file.seek(0)
            image = Image.open(file)
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image is too large: a logo has at most %(max)s pixels."),
            code="image_pixels",
            params={"max": settings.LOGO_MAX_PIXELS},
        ) from None
    except Exception:  # Pillow raises many kinds on a damaged or hostile image
        raise ValidationError(UNREADABLE_IMAGE, code="image") from None
    finally:
        file.seek(0)
    return image


def reencode_logo(file: File) -> ContentFile:
    """The checked logo, redrawn as a fresh PNG: nothing but pixels survives (no metadata, no payload)."""
    image = _open_logo(file)
    output = io.BytesIO()
    try:
        with image:
            image.convert("RGBA").save(output, format="PNG", optimize=True)
    except Exception:  # an exotic mode Pillow cannot convert: the person saves it again
        raise ValidationError(UNREADABLE_IMAGE, code="image") from None
    stem = os.path.splitext(clean_filename(file.name))[0]
    return ContentFile(output.getvalue(), name=f"{stem}.png")


_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
MAX_NAME_LENGTH = 150


def clean_filename(name: object, default: str = "file") -> str:
    """A person's file name made harmless to show and to offer back: no path, no control or bidi
    characters (a right-to-left override makes ``fdp.exe`` read ``exe.pdf``), no characters file
    systems refuse, bounded length, the extension kept."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if unicodedata.category(char) in _UNSAFE_CATEGORIES else char for char in name)
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, extension = os.path.splitext(name)
    if len(extension) > 10:
        stem, extension = name, ""
    stem = stem[: MAX_NAME_LENGTH - len(extension)].strip(" .")
    return f"{stem}{extension}" if stem else default


def download_name(original_name: str | None, stored_name: str | None, fmt: Format | None = None) -> str:
    """The name a download is offered under: the person's name, with the extension of its checked format."""
    name = clean_filename(original_name or os.path.basename(stored_name or ""))
    if fmt is not None:
        name = f"{os.path.splitext(name)[0] or 'file'}{fmt.extension}"
    return name


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """An RFC 6266 header: an ASCII ``filename`` every client reads, ``filename*`` for the UTF-8 name."""
    name = clean_filename(filename)
    stem, extension = os.path.splitext(name)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = re.sub(r"[^A-Za-z0-9 ._()\-]", "_", ascii_stem).strip(" .") or "file"
    ascii_extension = re.sub(r"[^A-Za-z0-9.]", "", extension)
    fallback = f"{ascii_stem}{ascii_extension}"
    header = f'{"inline" if inline else "attachment"}; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def _protect(response: FileResponse) -> FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser rendered it, an uploaded file runs no script and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _open_stored(field_file: FieldFile) -> FieldFile:
    try:
        return field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None


def attachment_response(field_file: FieldFile, *, kind: Kind, original_name: str = "") -> FileResponse:
    """A stored upload as a download: attachment, type from the allow-list (unknown: octet-stream), nosniff."""
    fmt = kind.format_for(field_file.name)
    response = FileResponse(
        _open_stored(field_file), content_type=fmt.content_type if fmt else "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition(download_name(original_name, field_file.name, fmt))
    response["Cache-Control"] = "private, no-store"
    return _protect(response)


def image_response(field_file: FieldFile, *, kind: Kind) -> FileResponse | None:
    """A stored image shown inline by our pages; None when its stored type is not an allowed image."""
    fmt = kind.format_for(field_file.name)
    if fmt is None or not fmt.content_type.startswith("image/"):
        return None
    response = FileResponse(_open_stored(field_file), content_type=fmt.content_type)
    response["Content-Disposition"] = content_disposition(f"logo{fmt.extension}", inline=True)
    response["Cache-Control"] = "private, max-age=300"
    return _protect(response)


@deconstructible
class RandomName:
    """``upload_to`` giving a random stored name that keeps only the allow-listed extension.

    The name a person chose never reaches the file system (no path tricks, no double extensions,
    nothing guessable); the model keeps it apart for display.
    """

    def __init__(self, folder: str, kind_name: str) -> None:
        self.folder = folder
        self.kind_name = kind_name

    def __call__(self, instance: Model, filename: str) -> str:
        fmt = KINDS[self.kind_name].format_for(filename)
        extension = fmt.extension if fmt else ""
        return f"{timezone.now().strftime(self.folder)}{uuid.uuid4().hex}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and (self.folder, self.kind_name) == (
            other.folder,
            other.kind_name,
        )


KINDS = {kind.name: kind for kind in (RESOURCE, LOGO, PARTICIPANT_FILE)}
