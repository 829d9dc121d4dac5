"""PDF/A rendering, one way for every document the system prints (docs/design.md §4.5):
HTML templates with print CSS, rendered by WeasyPrint with the fonts bundled in
`static/fonts/` and no network fetches, as tagged PDF/A for archiving, always in Dutch and
with dates and times in local time (TIME_ZONE, also when a worker renders them)."""

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_TYPES = {".ttf": "font/ttf"}
# PDF/A-2a: the archival profile (ISO 19005-2) the Nationaal Archief accepts for long-term
# keeping, at level A ("accessible"): besides what level B asks, the PDF is tagged — its
# headings, paragraphs and tables form a structure a screen reader follows, in reading order,
# with the document's language (WCAG 2.1 for documents). WeasyPrint adds the XMP
# identification, the sRGB output intent and the structure tree (its `pdf_tags`).
PDF_VARIANT = "pdf/a-2a"


# -- no network fetches ------------------------------------------------------------------


class ResourceRefused(ValueError):
    """A document asked for a resource other than a bundled font."""


class BundledFontsFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, locked down (docs/design.md §4.5: fonts bundled, no network
    fetches): it serves font files under `static/fonts/` and raises `ResourceRefused` for
    everything else — http(s), data: URLs, and any other file path, including `..` tricks
    and symlinks out of the font directory. Refusals are kept in `refused`, so rendering can
    fail loudly instead of producing a document with a missing part."""

    def __init__(self, root: Path | None = None):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = Path(root or FONT_DIR).resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        try:
            path = self._font_path(url)
        except ResourceRefused:
            self.refused.append(url)
            raise
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), {"Content-Type": FONT_TYPES[path.suffix.lower()]}
        )

    def _font_path(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"Alleen meegeleverde lettertypen: {url}")
        path = Path(url2pathname(parts.path)).resolve()
        if (
            not path.is_relative_to(self.root)
            or path.suffix.lower() not in FONT_TYPES
            or not path.is_file()
        ):
            raise ResourceRefused(f"Alleen meegeleverde lettertypen: {url}")
        return path


# -- rendering -----------------------------------------------------------------------------


def css_string(text: str) -> str:
    """`text` as a CSS string literal that is safe inside a <style> element."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>&' or ord(char) < 0x20 else char for char in text
    )
    return f'"{escaped}"'


def page_counter() -> str:
    """The CSS `content` value for "pagina X van Y", from one translatable string."""
    marker = "\x00"
    text = _("pagina %(page)s van %(pages)s") % {"page": marker + "page" + marker,
                                                  "pages": marker + "pages" + marker}
    parts = []
    for index, part in enumerate(text.split(marker)):
        if index % 2:
            parts.append(f"counter({part})")
        elif part:
            parts.append(css_string(part))
    return " ".join(parts)


def render_pdf(template: str, context: dict, *, footer: str, header: str | None = None) -> bytes:
    """`template` rendered with `context` as PDF/A bytes, in Dutch. The template gets the
    bundled fonts (`fonts`) and the CSS strings for the running header (`header`; by default
    that the document is confidential),
    footer (`footer`) and page counter. Raises `ResourceRefused` when the document asks
    for anything but a bundled font."""
    fetcher = BundledFontsFetcher()
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        html = render_to_string(template, {
            **context,
            "fonts": {
                "regular": (FONT_DIR / "DejaVuSans.ttf").as_uri(),
                "bold": (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri(),
            },
            "css_header": mark_safe(  # noqa: S308 - a CSS string literal built by css_string
                css_string(header or _("Vertrouwelijk — bevat bijzondere persoonsgegevens"))
            ),
            "css_footer": mark_safe(css_string(footer)),  # noqa: S308 - built by css_string
            "css_page_counter": mark_safe(page_counter()),  # noqa: S308 - built above
        })
        pdf = HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=fetcher).write_pdf(
            pdf_variant=PDF_VARIANT
        )
    if fetcher.refused:
        raise ResourceRefused(
            f"Het document verwijst naar niet-meegeleverde bronnen: {fetcher.refused}"
        )
    return pdf
