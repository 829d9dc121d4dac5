"""Input rules of intake: BSN eleven-check, names without control characters, plausible
dates, attachment types by content."""

import datetime
import io
import re
import unicodedata
import zipfile

import magic
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
OLDEST_PLAUSIBLE_AGE_YEARS = 110

# Content types accepted for attachments, as sniffed from the bytes (libmagic), with the
# extension used when the file is downloaded.
ALLOWED_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/tiff": "tif",
    "image/webp": "webp",
    "image/heic": "heic",
    "text/plain": "txt",
    "text/csv": "csv",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
}
_OOXML_BY_FOLDER = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def normalise_bsn(value: str) -> str:
    """A BSN as typed, without the spaces it is often grouped with ("111 222 333")."""
    return "".join(value.split())


def bsn_is_valid(value: str) -> bool:
    """The BSN eleven-check ("elfproef"): nine digits d1..d9 with
    9·d1 + 8·d2 + … + 2·d8 − 1·d9 divisible by 11, and not all zeros. Digits are the ASCII
    digits 0-9 only: `str.isdigit()` also takes fullwidth and Arabic-Indic digits, which
    the database (and every other system a BSN goes to) does not."""
    if not re.fullmatch(r"[0-9]{9}", value, flags=re.ASCII) or value == "000000000":
        return False
    digits = [int(c) for c in value]
    total = sum(weight * digit for weight, digit in zip(range(9, 1, -1), digits[:8], strict=True))
    return (total - digits[8]) % 11 == 0


def validate_bsn(value: str) -> None:
    if value and not bsn_is_valid(value):
        raise ValidationError(
            _("Dit is geen geldig BSN: het moet uit 9 cijfers (0 tot en met 9) bestaan en de "
              "elfproef doorstaan."),
            code="bsn",
        )


# Direction overrides and isolates: invisible, and they make a name read differently from
# how it is stored ("Trojan Source").
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# A Dutch postcode: four digits, the first not 0, and two letters other than SA, SD and SS
# (PostNL does not issue those); written "1234 AB", the space optional on input.
POSTCODE = re.compile(r"(?P<digits>[1-9][0-9]{3}) ?(?P<letters>(?!SA|SD|SS)[A-Z]{2})")


def normalise_postcode(value: str) -> str:
    """A Dutch postcode as PostNL writes it ("1234 AB"); "" for no postcode. Raises a
    ValidationError for anything that is not one ("abc", "0123 AB", "1234 SS")."""
    value = " ".join((value or "").split()).upper()
    if not value:
        return ""
    match = POSTCODE.fullmatch(value) if value.isascii() else None
    if match is None:
        raise ValidationError(_("Vul een Nederlandse postcode in, zoals 1234 AB."),
                              code="postcode")
    return f"{match['digits']} {match['letters']}"


def validate_single_line(value: str) -> None:
    """A name, address or other one-line text holds no control characters (bell, escape,
    line breaks, delete, C1 codes), no line or paragraph separators and no direction
    overrides: they are invisible on screen, break the CSV and PDF exports and make two
    names that look the same differ."""
    for character in value:
        if (unicodedata.category(character) in ("Cc", "Zl", "Zp")
                or character in _BIDI_CONTROLS):
            raise ValidationError(
                _("Deze tekst bevat een stuurteken of onzichtbaar teken (zoals een regeleinde "
                  "of tab). Laat het weg."),
                code="control_character",
            )


def validate_date_of_birth(value: datetime.date) -> None:
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("De geboortedatum ligt in de toekomst."), code="future")
    if value.year < today.year - OLDEST_PLAUSIBLE_AGE_YEARS:
        raise ValidationError(
            _("Deze geboortedatum is niet aannemelijk (meer dan %(jaren)d jaar geleden).")
            % {"jaren": OLDEST_PLAUSIBLE_AGE_YEARS},
            code="implausible",
        )


def validate_not_in_future(value: datetime.date) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("Deze datum ligt in de toekomst."), code="future")


def sniff_content_type(head: bytes, whole=None) -> str:
    """The content type of a file judged by its bytes, never by its name. Office Open XML
    files are zip archives; they are recognised by their [Content_Types].xml and folder."""
    content_type = magic.from_buffer(head, mime=True)
    if content_type == "application/zip" and whole is not None:
        try:
            with zipfile.ZipFile(whole) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return content_type
        if "[Content_Types].xml" in names:
            for folder, ooxml in _OOXML_BY_FOLDER.items():
                if any(name.startswith(folder) for name in names):
                    return ooxml
    return content_type


def check_attachment(uploaded) -> str:
    """Refuse files over 20 MB and of types not allowed (sniffed from the content); return
    the sniffed content type."""
    if uploaded.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("Het bestand %(naam)s is groter dan 20 MB.") % {"naam": uploaded.name},
            code="too_large",
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    whole = None
    if head.startswith(b"PK"):
        whole = io.BytesIO(uploaded.read())
        uploaded.seek(0)
    content_type = sniff_content_type(head, whole)
    if content_type not in ALLOWED_CONTENT_TYPES:
        raise ValidationError(
            _(
                "Het bestand %(naam)s is geen toegestaan type (PDF, afbeelding, "
                "Office-document of tekst); de inhoud is herkend als %(type)s."
            )
            % {"naam": uploaded.name, "type": content_type},
            code="file_type",
        )
    return content_type
