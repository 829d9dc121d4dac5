"""Page measurements of `make bench`: server time in-process with Django's test client (the
whole middleware stack, a logged-in session with a verified second factor), after warm-up,
median and p95 over REQUESTS requests; SQL queries per request counted separately with
`CaptureQueriesContext` (so counting does not slow the timed requests); and the floor of each
page (`tests.bench.floors`) measured the same way in the same run, taking turns with the
page request by request.

Run: `python -m tests.bench.pages DATA.json RESULTS.json` (`tests.bench.run` does this).
"""

import dataclasses
import json
import math
import os
import statistics
import sys
import time

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
WARMUP = 5
PDF_RUNS = 5


@dataclasses.dataclass
class Figure:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    floor_ms: float | None = None
    floor_queries: int | None = None
    bare_floor_ms: float | None = None
    queries_at_4x_page_size: int | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return round(self.median_ms / self.floor_ms, 2) if self.floor_ms else None

    def line(self) -> str:
        text = (f"bench: {self.name:<34} median {self.median_ms:8.1f} ms   "
                f"p95 {self.p95_ms:8.1f} ms   queries {self.queries:3d}")
        if self.floor_ms:
            text += (f"   floor {self.floor_ms:6.1f} ms ({self.floor_queries} queries; "
                     f"query+template alone {self.bare_floor_ms:.1f} ms)   ratio {self.ratio:.2f}")
        if self.note:
            text += f"   {self.note}"
        return text


def timings(*calls, runs: int = REQUESTS, warmup: int = WARMUP) -> list[tuple[float, float]]:
    """Median and p95 (nearest rank) in milliseconds of each call. Several calls are timed in
    turn, one request each, so that a page and its floor meet the same machine: on a shared
    two-core machine the speed drifts over seconds, and timing one after the other measured
    that drift in their ratio."""
    for _ in range(warmup):
        for call in calls:
            call()
    samples = [[] for _call in calls]
    for _ in range(runs):
        for call, taken in zip(calls, samples, strict=True):
            started = time.perf_counter()
            call()
            taken.append((time.perf_counter() - started) * 1000)
    return [_median_and_p95(taken) for taken in samples]


def _median_and_p95(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    p95 = samples[max(0, math.ceil(0.95 * len(samples)) - 1)]
    return round(statistics.median(samples), 1), round(p95, 1)


def query_count(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def logged_in(user):
    """A test client logged in as `user` with a verified second factor (as
    `tests/conftest.py`'s `login`)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench",
                                                 defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def request(client, url, *, status=200, method="get", data=None):
    def call():
        response = getattr(client, method)(url, data)
        if response.status_code != status:
            raise SystemExit(f"bench: {method.upper()} {url} gave {response.status_code}")
        return response

    return call


def page(name, client, url, floor_url=None, bare=None, runs=REQUESTS, **kwargs) -> Figure:
    call = request(client, url, **kwargs)
    if not floor_url:
        [(median, p95)] = timings(call, runs=runs, warmup=min(WARMUP, runs))
        return Figure(name, median, p95, query_count(call))
    floor = request(client, floor_url)
    (median, p95), (floor_ms, _p95), (bare_ms, _p95) = timings(call, floor, bare, runs=runs)
    return Figure(name, median, p95, query_count(call), floor_ms, query_count(floor), bare_ms)


def measure(data: dict) -> list[Figure]:
    from django.utils import timezone

    from pga.models import User
    from signals import views as signal_views
    from tests.bench import floors
    from weegploeg.models import Decision
    from weegploeg.record_content import render_decision_record

    member = User.objects.get(pk=data["member"])
    client = logged_in(member)
    figures = []
    queue = "/signalen/"
    floor = "/bench/vloer/wachtrij/"
    figures.append(page("queue, first page (member)", client, queue, floor,
                        lambda: floors.render_queue(member.pk, 1)))
    figures.append(page("queue, page 50 (member)", client, f"{queue}?pagina=50",
                        f"{floor}?pagina=50", lambda: floors.render_queue(member.pk, 50)))
    search = data["search"]
    # The name is posted; the page shows the result under an opaque token (issue 15).
    searched = client.post(queue, {"q": search})["Location"]
    figures.append(page("queue, search by name (member)", client, searched,
                        f"{floor}?q={search.replace(' ', '+')}",
                        lambda: floors.render_queue(member.pk, 1, search)))
    signal = data["signal"]
    figures.append(page("signal page (member)", client, f"/signalen/{signal}/",
                        f"/bench/vloer/signaal/{signal}/",
                        lambda: floors.render_signal(member.pk, member.partner_id, signal)))

    # Query count constant in the page size: the same page with four times the rows.
    default = signal_views.PAGE_SIZE
    try:
        signal_views.PAGE_SIZE = default * 4
        larger = query_count(request(client, queue))
    finally:
        signal_views.PAGE_SIZE = default
    figures[0].queries_at_4x_page_size = larger
    figures[0].note = f"(queries at page size {default * 4}: {larger})"

    outcomes = iter(["no_casusoverleg", "more_information"] * (REQUESTS + WARMUP + 2))

    def vote():
        response = client.post(f"/agendapunten/{data['vote_item']}/", {
            "stem": "1", "outcome": next(outcomes),
            "motivation": "Geen eensluidend beeld; de politie weegt opnieuw."})
        if response.status_code != 302:
            raise SystemExit(f"bench: vote gave {response.status_code}")

    [(median, p95)] = timings(vote)
    figures.append(Figure("cast a vote (POST, member)", median, p95, query_count(vote)))

    decision = Decision.objects.get(pk=data["decision"])
    [(median, p95)] = timings(lambda: render_decision_record(decision), runs=PDF_RUNS,
                              warmup=1)
    figures.append(Figure("decision-record PDF (render)", median, p95,
                          query_count(lambda: render_decision_record(decision))))

    # The FG's audit screen filtered by one object, over the whole log: the entries of their
    # scope (`AuditEntry.objects.visible_to`) about that object.
    auditor = User.objects.get(pk=data["auditor"])
    figures.append(page(AUDIT_SCREEN, logged_in(auditor),
                        f"/audit/?object_pk={data['audit_object']}"))

    five_years_ago = timezone.localdate().replace(day=1)
    five_years_ago = five_years_ago.replace(year=five_years_ago.year - 5)
    for name, user_key, url, runs in STATISTICS_PAGES:
        user = User.objects.get(pk=data[user_key])
        url = url.format(five_years_ago=five_years_ago.isoformat())
        figures.append(page(name, logged_in(user), url, runs=runs))
    return figures


AUDIT_SCREEN = "FG audit screen, one object (auditor)"

# (name, data key of the user, URL, requests): measured like the pages, without a floor.
STATISTICS_PAGES = [
    ("statistics, last 12 months (coordinator)", "coordinator", "/statistieken/", REQUESTS),
    ("statistics, 5 years, 3 weegploegen (member)", "member",
     "/statistieken/?date_from={five_years_ago}", REQUESTS // 2),
    ("national trend export CSV (admin)", "admin", "/statistieken/trends.csv", 5),
]


def main(data_path: str, out_path: str) -> None:
    import django
    from django.test.utils import override_settings

    django.setup()
    with open(data_path) as handle:
        data = json.load(handle)
    with override_settings(ROOT_URLCONF="tests.bench.urls",
                           ALLOWED_HOSTS=["testserver", "127.0.0.1"]):
        figures = measure(data)
    for figure in figures:
        print(figure.line(), flush=True)
    with open(out_path, "w") as handle:
        json.dump([dataclasses.asdict(f) | {"ratio": f.ratio} for f in figures], handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
