"""Mixed workload for `make load`: weegploeg members reading the queue and signal pages,
searching, voting and downloading decision records; beside them a few anonymous professionals
sending the public meldpunt form in bursts (all from 127.0.0.1, so its rate limit refuses most
of them). A referral stored (the receipt page) and one refused by the rate limit (429 with the
Dutch "Te veel meldingen" page) are both expected answers, counted under names of their own;
anything else is an error. Bounded: the runner sets users, spawn rate and run time; every
request goes to the loopback address. A request that does not give the page (a redirect to
the login, say) counts as an error."""

import itertools
import json
import os
import random
import re

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser
from requests.cookies import create_cookie

from tests.load.run import REFUSED, STORED

DATA = json.load(open(os.environ["WEEGPLOEG_LOAD_DATA"]))  # noqa: SIM115
SESSIONS = itertools.cycle(DATA["sessions"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Member(FastHttpUser):
    """A weegploeg member at work: a page, a moment to read it, the next page. Each simulated
    user has a session of their own, made as a login makes it (tests.load.prepare)."""

    weight = 9
    wait_time = between(0.5, 2)
    insecure = True  # the run's own throw-away certificate

    def on_start(self):
        session = next(SESSIONS)
        self.email = session["email"]
        self.client.cookiejar.set_cookie(
            create_cookie("sessionid", session["key"], domain="127.0.0.1", secure=True))

    def page(self, url, name, status=200, **kwargs):
        with self.client.request(kwargs.pop("method", "GET"), url, name=name,
                                 allow_redirects=False, catch_response=True,
                                 **kwargs) as response:
            if response.status_code != status:
                response.failure(f"status {response.status_code}")
            return response

    @task(3)
    def queue(self):
        self.page(f"/signalen/?pagina={random.randint(1, 10)}", "wachtrij")  # noqa: S311

    @task(1)
    def search(self):
        # The name is posted (never in a URL); the result page is shown under a token.
        page = self.page("/signalen/", "wachtrij (voor zoeken)")
        match = CSRF.search(page.text or "")
        if not match:
            return
        found = self.page(
            "/signalen/", "zoeken", status=302, method="POST",
            data={"csrfmiddlewaretoken": match.group(1),
                  "q": random.choice(DATA["names"])},  # noqa: S311
            headers={"Referer": f"{self.host}/signalen/"},
        )
        if found.headers.get("Location"):
            self.page(found.headers["Location"], "zoekresultaat")

    @task(3)
    def signal_page(self):
        self.page(f"/signalen/{random.choice(DATA['signals'])}/", "signaal")  # noqa: S311

    @task(1)
    def vote(self):
        if self.email != DATA["voter"]:
            return
        item = random.choice(DATA["vote_items"])  # noqa: S311
        page = self.page(f"/agendapunten/{item}/", "agendapunt")
        match = CSRF.search(page.text or "")
        if not match:
            return
        self.page(
            f"/agendapunten/{item}/", "stem", status=302, method="POST",
            data={"csrfmiddlewaretoken": match.group(1), "stem": "1",
                  "outcome": random.choice(["casusoverleg", "no_casusoverleg"]),  # noqa: S311
                  "motivation": "Stem onder belasting."},
            headers={"Referer": f"{self.host}/agendapunten/{item}/"},
        )

    @task(1)
    def pdf(self):
        if DATA["records"]:
            self.page(f"/besluitverslagen/{random.choice(DATA['records'])}/",  # noqa: S311
                      "besluitverslag-pdf")


class Reporter(FastHttpUser):
    """A professional (or a script) at the public meldpunt form, without a session: the form,
    then a referral, with hardly a pause. Stored (200, the receipt page) and refused by the
    rate limit (429, the Dutch refusal page) are both the expected answer, each counted under
    its own name (locust's documented renaming through `request_meta`); anything else — a
    500, a 429 without the page — is an error."""

    weight = 1
    wait_time = between(0.1, 0.5)
    insecure = True

    @task
    def refer(self):
        url = f"/melden/{DATA['gemeente']}/"
        with self.client.get(url, name="meldpuntformulier", catch_response=True) as form:
            match = CSRF.search(form.text or "")
            if form.status_code != 200 or not match:
                form.failure(f"status {form.status_code}")
                return
        with self.client.post(
            url, name=STORED, catch_response=True, allow_redirects=False,
            data={"csrfmiddlewaretoken": match.group(1), "reporter_name": "Belasting Test",
                  "reporter_organisation": "School", "reporter_role": "Docent",
                  "reporter_sector": "onderwijs", "observation": "Waarneming onder belasting.",
                  "observed_from": "2026-01-05"},
            headers={"Referer": f"{self.host}{url}"},
        ) as sent:
            page = sent.text or ""
            if sent.status_code == 429:
                sent.request_meta["name"] = REFUSED
                if "<h1>Te veel meldingen</h1>" in page and "Bel 112" in page:
                    sent.success()  # locust counts any 4xx as a failure unless told
                else:
                    sent.failure("429 zonder de pagina 'Te veel meldingen'")
            elif sent.status_code != 200 or "<h1>Melding verstuurd</h1>" not in page:
                sent.failure(f"status {sent.status_code}")
