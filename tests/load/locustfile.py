"""Mixed workload for `make load`: weegploeg members reading the queue and signal pages,
searching, voting and downloading decision records. Bounded: the runner sets users, spawn
rate and run time; every request goes to the loopback address."""

import json
import os
import random
import re

import urllib3
from locust import HttpUser, between, task

urllib3.disable_warnings()
DATA = json.load(open(os.environ["WEEGPLOEG_LOAD_DATA"]))  # noqa: SIM115
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Member(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.client.verify = False
        self.email = random.choice(DATA["members"])  # noqa: S311
        page = self.client.get("/account/login/", name="login")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/account/login/",
            {"csrfmiddlewaretoken": token, "login_view-current_step": "auth",
             "auth-username": self.email, "auth-password": DATA["password"]},
            headers={"Referer": self.host + "/account/login/"},
            name="login", allow_redirects=False,
        )
        if response.status_code != 302:
            response.failure("inloggen mislukt")

    @task(3)
    def queue(self):
        self.client.get(f"/signalen/?pagina={random.randint(1, 10)}", name="wachtrij")  # noqa: S311

    @task(1)
    def search(self):
        self.client.get(f"/signalen/?q={random.choice(DATA['names'])}", name="zoeken")  # noqa: S311

    @task(3)
    def signal_page(self):
        self.client.get(f"/signalen/{random.choice(DATA['signals'])}/", name="signaal")  # noqa: S311

    @task(1)
    def vote(self):
        if self.email != DATA["voter"]:
            return
        item = random.choice(DATA["vote_items"])  # noqa: S311
        page = self.client.get(f"/agendapunten/{item}/", name="agendapunt")
        match = CSRF.search(page.text)
        if not match:
            return
        self.client.post(
            f"/agendapunten/{item}/",
            {"csrfmiddlewaretoken": match.group(1), "stem": "1",
             "outcome": random.choice(["casusoverleg", "geen_casusoverleg"]),  # noqa: S311
             "motivation": "Stem onder belasting."},
            headers={"Referer": f"{self.host}/agendapunten/{item}/"},
            name="stem", allow_redirects=False,
        )

    @task(1)
    def pdf(self):
        if DATA["records"]:
            self.client.get(f"/besluitverslagen/{random.choice(DATA['records'])}/",  # noqa: S311
                            name="besluitverslag-pdf")
