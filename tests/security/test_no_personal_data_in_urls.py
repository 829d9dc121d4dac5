"""No name or BSN in any URL (issue 15): URLs end up in browser histories, proxy and server
logs and Referer headers. Every page each role reaches from the start page, and the result
of a search, is walked: no GET form has a field for a name or BSN, and no link, form action
or source holds the person's name, BSN or date of birth."""

import datetime
from html.parser import HTMLParser
from urllib.parse import unquote_plus, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from criteria.assessments import record_joint_assessment
from pga.audit import acting_as
from tests.criteria.factories import judgements
from tests.signals.factories import person_fields, register
from tests.weegploeg.factories import vote
from weegploeg.models import Outcome
from weegploeg.services import add_to_agenda, plan_session, prepare_decision

FIRST_NAMES, SURNAME, BSN, BORN = "Ysbrand", "Quadflieg", "123456782", datetime.date(2001, 3, 9)
NEEDLES = [FIRST_NAMES, SURNAME, BSN, BORN.isoformat(), BORN.strftime("%d-%m-%Y")]
# Form fields that take a name or BSN: never in a GET form.
PERSONAL_FIELDS = {"q", "naam", "name", "bsn", "surname", "first_names", "achternaam",
                   "voornamen", "date_of_birth", "geboortedatum", "label", "zoekterm"}
# Not walked: leaving, downloads (not HTML) and the static files.
SKIPPED = ("/account/logout", "/static/", "export", ".csv", ".zip", "/besluitverslagen/",
           "/bijlagen/", "/overdracht/")
MAX_PAGES = 120
# GET searches allowed: functioneel beheer's lists of partners, weegploegen and staff (Django
# admin's search box), which hold no data of the persons the system is about.
STAFF_SEARCHES = ("/beheer/pga/user/", "/beheer/pga/partner/", "/beheer/pga/weegploeg/")


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.forms = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "action", "src", "formaction"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "fields": []})
        elif tag in ("input", "select", "textarea", "button") and self.forms \
                and attrs.get("name"):
            self.forms[-1]["fields"].append(attrs["name"])


def leaks(url: str) -> list[str]:
    text = unquote_plus(url).casefold()
    return [needle for needle in NEEDLES if needle.casefold() in text]


def walk(client, start_urls, problems):
    seen, todo, walked = set(), list(start_urls), 0
    while todo and walked < MAX_PAGES:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        problems.extend(f"{url}: {needle} in de URL" for needle in leaks(url))
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        walked += 1
        page = Page()
        page.feed(response.content.decode())
        for form in page.forms:
            if form["method"] == "get" and not url.startswith(STAFF_SEARCHES):
                personal = set(form["fields"]) & PERSONAL_FIELDS
                problems.extend(f"{url}: GET-formulier met veld {name}" for name in personal)
        for link in page.urls:
            problems.extend(f"{url}: link {link} bevat {needle}" for needle in leaks(link))
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if not any(skip in target for skip in SKIPPED):
                todo.append(target)
    return walked


@pytest.fixture
def dossier(meldpunt, weegploeg, members, coordinator, django_capture_on_commit_callbacks):
    """A decided signal (with its record) and a repeat signal still in the queue, about a
    person with a name, BSN and date of birth."""
    person = person_fields(first_names=FIRST_NAMES, surname=SURNAME, bsn=BSN,
                           date_of_birth=BORN, municipality=weegploeg.gemeente)
    with acting_as(meldpunt):
        decided = register(meldpunt, weegploeg=weegploeg, person=person)
    record_joint_assessment(members["gemeente"], decided, judgements(), "Bespreken.")
    session = plan_session(coordinator, weegploeg, timezone.now() + datetime.timedelta(days=1),
                           location="Stadhuis")
    item = add_to_agenda(coordinator, session, decided)
    prepare_decision(coordinator, item, invited_parties=["zorg_ggz"],
                     joint_reasoning="Reden voor een casusoverleg.")
    with django_capture_on_commit_callbacks(execute=True):
        for partner in ("gemeente", "politie", "om"):
            vote(members[partner], item, Outcome.CASUSOVERLEG, "Eens.")
    with acting_as(meldpunt):
        open_signal = register(meldpunt, weegploeg=weegploeg, person=person)
    return decided, open_signal


@pytest.mark.parametrize("role", ["member", "coordinator", "meldpunt", "beheerder", "auditor"])
def test_no_page_a_role_reaches_puts_a_name_or_bsn_in_a_url(
    role, dossier, members, coordinator, meldpunt, beheerder, auditor, login
):
    user = {"member": members["om"], "coordinator": coordinator, "meldpunt": meldpunt,
            "beheerder": beheerder, "auditor": auditor}[role]
    client = login(user)
    decided, open_signal = dossier
    problems = []
    starts = ["/", reverse("signals:detail", args=[decided.pk]),
              reverse("signals:detail", args=[open_signal.pk])]
    if role in ("member", "coordinator"):
        # The queue's search: posted, and shown under a token.
        for term in (SURNAME, BSN, f"{FIRST_NAMES} {SURNAME}"):
            response = client.post(reverse("signals:queue"), {"q": term})
            assert response.status_code == 302
            problems.extend(f"zoeken: {needle} in {response['Location']}"
                            for needle in leaks(response["Location"]))
            result = client.get(response["Location"])
            if term != BSN:  # the queue searches by reference or name
                assert open_signal.reference in result.content.decode()
            starts.append(response["Location"])
    if role in ("beheerder", "auditor"):
        # The person search of the AVG requests is posted too.
        response = client.post(reverse("rights:subject_search"), {
            "purpose": "inzageverzoek", "case_number": "AVG-1", "bsn": BSN})
        assert response.status_code == 200
        page = Page()
        page.feed(response.content.decode())
        problems.extend(f"zoekresultaat: link {link} bevat {needle}"
                        for link in page.urls for needle in leaks(link))
        starts += [link for link in page.urls if link.startswith("/betrokkenen/")]
    walked = walk(client, starts, problems)
    assert walked >= 3
    assert problems == []


def test_a_name_in_the_queue_url_is_not_searched_for(dossier, members, login):
    """An old bookmark or a hand-made link with ?q=<name> finds nothing by that name."""
    client = login(members["om"])
    response = client.get(reverse("signals:queue"), {"q": "geen-enkele-naam"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1  # the open signal, unfiltered


def test_an_expired_search_token_asks_to_search_again(dossier, members, login):
    client = login(members["om"])
    response = client.get(reverse("signals:queue"), {"zoek": "onbekend"})
    assert response.status_code == 200
    assert "zoek opnieuw" in response.content.decode()
