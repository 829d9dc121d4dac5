"""Dutch is the only language (issue 22; docs/design.md §2): Django's, the libraries' and
the project's texts, number and date formats, whatever the browser asks. The crawl of every
page with an English browser is tests/security/test_dutch_only.py."""

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from pga.forms import DateInput, DateTimeInput

PO = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def render(source, **context):
    return Template("{% load i18n %}" + source).render(Context(context))


def test_dutch_is_the_only_language():
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _name in settings.LANGUAGES] == ["nl"]
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE


def test_numbers_sizes_and_dates_have_dutch_formats():
    assert render("{{ size|filesizeformat }}", size=7 * 1024) == "7,0\xa0KB"
    assert render("{{ n|floatformat:1 }}", n=1234.5) == "1234,5"
    assert render('{{ d|date:"DATE_FORMAT" }}', d=datetime.date(2026, 3, 14)) == "14 maart 2026"
    assert render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=datetime.date(2026, 3, 14)) == "14-3-2026"


def test_the_libraries_untranslated_texts_are_dutch():
    """Texts that Django's admin and django-auditlog have no Dutch for come from
    locale/nl/LC_MESSAGES/django.po."""
    assert translation.gettext("Model name") == "Soort gegevens"
    assert [translation.gettext(action) for action in ("create", "update", "delete", "access")] \
        == ["aangemaakt", "gewijzigd", "verwijderd", "ingezien"]


def test_dates_are_typed_and_shown_as_dd_mm_yyyy():
    """Not the browser's date picker (its language and format are the browser's): a text
    field in Dutch notation, with the notation beside it; ISO dates are accepted too."""

    class Form(forms.Form):
        on = forms.DateField(widget=DateInput)
        at = forms.DateTimeField(widget=DateTimeInput)

    html = str(Form(initial={"on": datetime.date(2026, 3, 4),
                             "at": datetime.datetime(2026, 3, 4, 5, 6)})["on"])
    assert 'type="text"' in html and 'value="04-03-2026"' in html
    assert 'aria-describedby="id_on_format"' in html and "dd-mm-jjjj" in html
    for typed in ({"on": "31-12-2026", "at": "31-12-2026 14:30"},
                  {"on": "2026-12-31", "at": "2026-12-31T14:30"}):
        form = Form(typed)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["on"] == datetime.date(2026, 12, 31)
        assert timezone.localtime(form.cleaned_data["at"]).strftime("%H:%M") == "14:30"
    assert "on" in Form({"on": "12/31/2026", "at": "31-12-2026 14:30"}).errors


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) ontbreekt")
def test_the_committed_translations_are_compiled_from_the_po_file(tmp_path):
    """The compiled django.mo is committed (run and test need no gettext); it must be the
    one `make translations` makes from the .po."""
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)], check=True)
    assert compiled.read_bytes() == PO.with_suffix(".mo").read_bytes(), \
        "locale/nl/LC_MESSAGES/django.mo is verouderd: draai `make translations`"
