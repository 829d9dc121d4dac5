"""Dutch only, whatever the browser asks (issue 22; docs/design.md §2: "the user interface is
Dutch only"). Every page of the URLconf is crawled with `Accept-Language: en` as each role
(and anonymously): the page itself, the page with every field of its filter form filled with
nonsense, and every form on it posted empty, so that the validation messages show. No visible
text may hold an English phrase of Django or a library, the page says it is Dutch
(`lang="nl"`), and no date is asked with the browser's own date picker (which shows the
browser's language and format, not the page's).

The phrases are the English texts those packages show when they are not translated (Django's
forms and admin, django-two-factor-auth, django-otp, django-axes, django-auditlog,
django-guardian), and the English formats of numbers and dates.
"""

import re
from html.parser import HTMLParser

import pytest

from tests.security.conftest import FIGURES, INSTALLATION, ROLES
from tests.security.test_permission_matrix import PATTERNS, url_path

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}

# Whole words or phrases, case-sensitive, as these packages write them.
ENGLISH_PHRASES = [
    # Django's forms, validators, widgets and authentication
    "This field is required", "Enter a valid", "Select a valid choice", "Ensure this value",
    "Ensure that there are no more than", "The submitted file is empty", "No file was submitted",
    "Please enter a correct", "Please correct the error", "Password", "password", "Username",
    "Email address", "Currently", "Clear", "Unknown", "required",
    # Django's admin and pages
    "Log out", "Welcome", "View site", "Change password", "Save and add another",
    "Save and continue editing", "Delete", "History", "Add", "Change", "Save", "Cancel", "Search",
    "Select all", "Action", "Go", "Next", "Previous", "Back", "Submit", "Page not found",
    "Server Error", "Forbidden", "Bad Request", "Home",
    # django-two-factor-auth, django-otp, django-axes
    "Two-Factor", "Two-factor", "Authentication", "Backup Tokens", "backup tokens", "Enable",
    "Disable", "Account Security", "Generate", "Account locked", "login attempts", "Verify",
    "Invalid token",
    # django-auditlog's actions and fields; object types named after their class
    "create", "update", "delete", "access", "content type", "Correlation ID", "object pk",
    "actor", "changes", "timestamp", "decision record", "signal event", "reference counter",
    "object permission", "user object", "group object",
    # dates
    "January", "February", "March", "April", "June", "July", "August", "October",
    "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "a.m.", "p.m.", "midnight", "noon",
]
ENGLISH_PATTERNS = [
    re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])") for phrase in ENGLISH_PHRASES
] + [
    # Numbers and dates in English formats: 7.0 KB, 1,234.5, 11/30/2026.
    re.compile(r"\b\d+\.\d+\s?(?:bytes|KB|MB|GB)\b"),
    re.compile(r"\b\d{1,3}(?:,\d{3})+\.\d+\b"),
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"),
]
# Attributes whose text a user sees or hears.
SPOKEN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "aria-description"}
# Inputs the browser draws in its own language and format (mm/dd/yyyy in an English browser).
BROWSER_PICKERS = {"date", "datetime-local", "time", "month", "week"}


class PageText(HTMLParser):
    """The text a user sees or hears (not scripts, styles, or the values they typed), the
    page's language, and its forms: (method, action, its fields as (name, type, value))."""

    def __init__(self):
        super().__init__()
        self.parts, self.forms, self.lang = [], [], None
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in ("script", "style", "textarea"):
            self._hidden += 1
        if tag == "form":
            self.forms.append(((attrs.get("method") or "get").lower(), attrs.get("action"), []))
        if tag in ("input", "select", "textarea") and self.forms and attrs.get("name"):
            self.forms[-1][2].append((attrs["name"], attrs.get("type"), attrs.get("value")))
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")
        self.parts.extend(value or "" for name, value in attrs.items()
                          if name in SPOKEN_ATTRIBUTES)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)

    @property
    def text(self):
        return " ".join(" ".join(self.parts).split())


def read(response) -> PageText | None:
    if response.status_code not in (200, 400, 403, 404, 405, 429) or response.streaming:
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    page = PageText()
    page.feed(response.content.decode())
    return page


def english_in(text: str) -> list[str]:
    return sorted({match.group(0) for pattern in ENGLISH_PATTERNS
                   for match in pattern.finditer(text)})


def problems_of(response, what) -> list[str]:
    page = read(response)
    if page is None:
        return []
    found = [f"{what}: Engels: {english_in(page.text)}"] if english_in(page.text) else []
    if page.lang is not None and page.lang != "nl":
        found.append(f"{what}: lang={page.lang!r}")
    pickers = sorted({name for _method, _action, fields in page.forms
                      for name, kind, _value in fields if kind in BROWSER_PICKERS})
    if pickers:
        found.append(f"{what}: datumkiezer van de browser: {pickers}")
    return found


def test_the_english_phrases_are_found_in_english_text():
    """The check can fail: Django's English messages and formats are caught, Dutch ones
    (also words that merely contain an English one) are not."""
    assert english_in("Dit veld is verplicht. 7,0 KB op 30-11-2026") == []
    assert english_in("Geactualiseerd, Verwijderde signalen, wijzigingen") == []
    assert english_in("This field is required.") == ["This field is required", "required"]
    assert english_in("bijlage 7.0 KB") == ["7.0 KB"]
    assert english_in("op 11/30/2026 om 2 p.m.") == ["11/30/2026", "p.m."]
    assert english_in("update, signal user object permission") == ["object permission",
                                                                    "update", "user object"]


CRAWLED: list = []
FIGURES["Nederlands: pagina's (URL x rol) zonder Engels"] = CRAWLED


@pytest.mark.parametrize("role", [*ROLES, INSTALLATION, "anonymous"])
def test_no_page_shows_english_to_an_english_browser(role, world, as_user, rolled_back):
    """As `role` (of the partner that received the signals), every URL: its page, its filter
    form with nonsense in every field, and each of its forms posted empty."""
    user = None if role == "anonymous" else world.user(role, "own")
    problems = []
    for name, route, pattern in PATTERNS:
        if name == "logout":
            continue
        path = url_path(world, name, route, pattern)
        with rolled_back():
            client = as_user(user)
            response = client.get(path, **ENGLISH_BROWSER)
            problems += problems_of(response, f"GET {path}")
            page = read(response)
            for method, action, fields in page.forms if page else []:
                target = action or path
                if method == "get":
                    nonsense = {field: "x" for field, kind, _value in fields if kind != "hidden"}
                    if nonsense:
                        problems += problems_of(client.get(target, nonsense, **ENGLISH_BROWSER),
                                                f"GET {target} (onzin)")
                elif target != "/account/logout/":
                    # Empty but for its hidden fields (a wizard's step, a formset's counts).
                    hidden = {field: value or "" for field, kind, value in fields
                              if kind == "hidden" and field != "csrfmiddlewaretoken"}
                    with rolled_back():
                        problems += problems_of(client.post(target, hidden, **ENGLISH_BROWSER),
                                                f"POST {target} (leeg)")
            CRAWLED.append((name, role))
    assert not problems, "\n".join(problems)


def test_a_failed_login_in_an_english_browser_is_dutch(client, db):
    response = client.post(
        "/account/login/",
        {"login_view-current_step": "auth", "auth-username": "iemand@example.org",
         "auth-password": "fout"},
        **ENGLISH_BROWSER,
    )
    page = read(response)
    assert "Voer een juist e-mailadres en wachtwoord in" in page.text
    assert english_in(page.text) == []
    assert page.lang == "nl"
