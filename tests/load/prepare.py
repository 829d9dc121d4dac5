"""Data for the load test (`make load`): the demo weegploeg plus a few hundred signals,
assessed signals on a session's agenda (half decided, with their PDF records; half with
conflicting politie/OM votes, so gemeente votes never end them) — written to a JSON file the
locustfile reads. Run with DJANGO_SETTINGS_MODULE and DATABASE_URL pointing at the load
database; Celery runs eagerly (no REDIS_URL)."""

import datetime
import json
import random
import sys

import django

USERS = 50  # one session per simulated user (tests.load.run)


def main(out_path):
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from criteria.assessments import record_joint_assessment
    from pga.models import User, Weegploeg
    from signals.services import register_signal
    from tests.criteria.factories import judgements
    from tests.signals.factories import person_fields, signal_fields
    from weegploeg.integral import state_consultation
    from weegploeg.models import ConsultationResult, DecisionRecord, Outcome
    from weegploeg.services import add_to_agenda, cast_vote, plan_session, prepare_decision

    call_command("seed_demo", verbosity=0)
    weegploeg = Weegploeg.objects.get(code="wp")
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__contains="@demo.")}
    rng = random.Random(2026)
    names = ["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos",
             "Peters", "Hendriks", "Dekker", "Brouwer", "Dijkstra", "Kaya", "Yilmaz", "El Amrani"]
    signals = []
    for n in range(300):
        registration = register_signal(
            users["meldpunt.gemeente"],
            signal_fields=signal_fields(
                received_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 320),
                description=f"Waargenomen gedrag nummer {n}: uitingen over geweld op school.",
            ),
            person_fields=person_fields(
                first_names=f"Persoon{n}", surname=rng.choice(names),
                date_of_birth=datetime.date(1990 + n % 20, 1 + n % 12, 1 + n % 28),
                municipality=weegploeg.gemeenten.first(),
            ),
            weegploeg=weegploeg,
        )
        signals.append(registration.signal)
    session = plan_session(users["coordinator.gemeente"], weegploeg,
                           timezone.now() + datetime.timedelta(days=7), online=True)
    voters = {kind: users[f"member.{kind}"] for kind in ("gemeente", "politie", "om")}
    conflict_items, decided = [], []
    for index, signal in enumerate(signals[:40]):
        record_joint_assessment(voters["gemeente"], signal, judgements(), "Conclusie.")
        item = prepare_decision(users["coordinator.gemeente"],
                                add_to_agenda(users["coordinator.gemeente"], session, signal),
                                invited_parties=["zorg_ggz"])
        for voter in voters.values():
            state_consultation(voter, item, ConsultationResult.NOTHING_KNOWN)
        if index % 2:
            for voter in voters.values():
                cast_vote(voter, item, Outcome.CASUSOVERLEG, "Eensluidend: bespreken.")
            decided.append(signal.pk)
        else:
            cast_vote(voters["politie"], item, Outcome.CASUSOVERLEG, "Bespreken.")
            cast_vote(voters["om"], item, Outcome.NO_CASUSOVERLEG, "Niet nodig.")
            conflict_items.append(item.pk)
    data = {
        "sessions": [{"email": user.email, "key": _logged_in_session(user)}
                     for user in list(voters.values()) * (USERS // len(voters) + 1)][:USERS],
        "signals": [s.pk for s in signals],
        "vote_items": conflict_items,
        "records": list(DecisionRecord.objects.values_list("pk", flat=True)),
        "password": "Demo-wachtwoord-2026",
        "members": [u.email for u in voters.values()],
        "voter": voters["gemeente"].email,
        "names": names,
        "gemeente": weegploeg.gemeenten.first().code,
    }
    with open(out_path, "w") as handle:
        json.dump(data, handle)
    print(f"{len(signals)} signalen, {len(decided)} besluiten, {len(data['records'])} PDF's")


def _logged_in_session(user) -> str:
    """A session as after a login, so the measured workload is the pages: fifty password
    checks at the start (deliberately slow hashing) would otherwise fill the first seconds.
    The login itself has its own tests."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "pga.authn.UserBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


if __name__ == "__main__":
    main(sys.argv[1])
