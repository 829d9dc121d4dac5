"""The synthetic national data set of `make bench` (issue 8), bulk-loaded with COPY.

One instance for the whole country, five years kept:

- 10 politie-eenheden and 10 parketten, 25 weegploegen, 342 gemeenten (13–14 per weegploeg);
  per gemeente a meldpunt, a member and a coordinator, per politie and OM partner a member and
  a coordinator. A politie-eenheid or parket serves two or three weegploegen.
- 120 000 signals over five years: 20 000 were purged before and exist only as tombstones
  (`DeletedSignal`); 100 000 are live — about 20 % open, 72 % decided, 8 % withdrawn — and
  12 % are repeat signals about a known person.
- Each signal's permission rows are what `signals.services.desired_grants` gives it: that
  function is called for every combination of weegploeg, municipality, receiving partner and
  status, and the result joined to the signals in SQL (about 2.5 million rows); a sample is
  checked against `sync_signal_permissions` afterwards.
- A joint assessment with five judgements for every signal past registration, sessions
  every two weeks, agenda items with three votes and a decision, information requests,
  contributions, the timeline.
- 2 000 000 audit entries. Their hash chain is computed here exactly as the database trigger
  computes it (`pga/migrations/0003_*`; checked on a sample and by the head row), and loaded
  with the trigger off (`session_replication_role = replica`): the trigger locks the chain's
  head row per entry, which is right for live writes and needlessly slow for a bulk load.
  `verify_audit_chain` passes on the result.
- Deletion dates are synthetic: exactly 10 000 signals are due for the purge; every other
  signal whose real deletion date has passed gets one in the coming year (in a live system
  the nightly purge would have removed it). Audit entries are chained in generation order,
  signal by signal, so their timestamps are not monotonic along the chain.

This database is synthetic and for measurement only; it is never a copy of real data.
Run: `python -m tests.bench.data OUT.json` with DATABASE_URL set to a freshly migrated
database (`tests.bench.run` does all of this).
"""

import contextlib
import dataclasses
import datetime
import hashlib
import json
import operator
import random
import sys
import time
from collections import defaultdict
from types import SimpleNamespace

import django

SEED = 2026
N_LIVE = 100_000
N_TOMBSTONES = 20_000
N_DUE = 10_000
N_AUDIT = 2_000_000
N_WEEGPLOEGEN = 25
N_GEMEENTEN = 342
N_POLITIE = N_OM = 10
DAYS_KEPT = 5 * 365
SESSION_EVERY = 14
SEARCH_SURNAME = "de Vries"

FIRST_NAMES = [
    "Mohamed", "Daan", "Sem", "Lucas", "Levi", "Noah", "Finn", "Milan", "Youssef", "Adam",
    "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Fatima", "Yasmina",
    "Thomas", "Jesse", "Ruben", "Bram", "Luuk", "Lars", "Stijn", "Thijs", "Mehmet", "Ahmed",
    "Anna", "Eva", "Lotte", "Fleur", "Iris", "Noor", "Lina", "Amira", "Elif", "Hiba",
    "Kevin", "Dylan", "Ricardo", "Jayden", "Ilias", "Ayoub", "Bilal", "Omar", "Hamza", "Rayan",
]
SURNAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
    "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek",
    "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster",
    "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "Peeters", "de Leeuw", "Kuipers",
    "van Wijk", "Postma", "Kaya", "Yilmaz", "Demir", "Şahin", "Çelik", "El Amrani", "Bouzid",
    "El Idrissi", "Benali", "Ouali", "Aziz", "Haddou", "Boukhari", "Tahiri", "Chaouch",
    "Öztürk", "Aydın", "Arslan", "Doğan", "Kılıç", "Nguyen", "Tran", "Pinas", "Doelwijt",
    "Martina", "Kromowidjojo", "Ramdin", "Sewdien", "Biharie", "Mahabier", "Novak", "Kowalski",
    "Nowak", "Popescu", "Ivanov", "Hoogland", "Veenstra", "Zijlstra", "Bosman", "Evers",
    "Timmermans", "Groen", "Wolters", "Gerritsen",
]


@dataclasses.dataclass(slots=True)
class Spec:
    """One signal of the population (live or purged earlier)."""

    wp: int
    received_on: datetime.date
    status: str
    outcome: str = ""  # the decision's outcome, if any
    id: int = 0
    tombstone: bool = False
    due: bool = False
    reference: str = ""
    person_id: int = 0
    municipality_id: int = 0
    is_repeat: bool = False
    receiving_partner_id: int = 0
    registrar_id: int = 0
    registered_at: datetime.datetime | None = None
    session_index: int | None = None
    withdrawn_on: datetime.date | None = None
    basis: str = ""
    started_on: datetime.date | None = None
    deletion_due: datetime.date | None = None
    phenomenon: str = ""
    source_category: str = ""
    item_id: int | None = None
    decision_id: int | None = None
    assessment_id: int | None = None
    contribution: int = 0  # the id of its first contribution
    vote_id: int = 0  # the first of its three votes
    wp_pk: int = 0


class Loader:
    """COPY rows into tables through Django's psycopg connection."""

    def __init__(self):
        from django.db import connection

        connection.ensure_connection()
        self.connection = connection
        self.timings = []

    def copy(self, table: str, columns: list[str], rows) -> int:
        count, started = 0, time.perf_counter()
        with self.connection.connection.cursor() as cursor, cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        self.timings.append((table, count, round(time.perf_counter() - started, 1)))
        return count

    def execute(self, sql: str, params=None):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def fetch(self, sql: str, params=None):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    @contextlib.contextmanager
    def indexes_rebuilt(self, table: str):
        """Bulk-load practice: drop the table's secondary indexes (those no constraint
        needs), load, and create them again in one sorted pass each."""
        definitions = self.fetch("""
            SELECT i.indexname, i.indexdef FROM pg_indexes i
             WHERE i.schemaname = 'public' AND i.tablename = %s
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """, [table])
        for name, _definition in definitions:
            self.execute(f'DROP INDEX "{name}"')
        yield
        self.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in definitions:
            self.execute(definition)

    def reset_sequence(self, table: str) -> None:
        # `table` is one of this module's table names, never input.
        last = f"(SELECT max(id) FROM {table})"  # noqa: S608
        self.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest({last}, 1))")


def _aware(day: datetime.date, hour: int, minute: int = 0):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# -- partners, weegploegen, users ---------------------------------------------------------


def _organisation():
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from pga.models import Partner, PartnerKind, Role, RoleGroup, User, Weegploeg, role_group_name

    politie = Partner.objects.bulk_create(
        Partner(kind=PartnerKind.POLITIE, name=f"Politie-eenheid {i + 1:02d}",
                code=f"politie-{i + 1:02d}") for i in range(N_POLITIE))
    om = Partner.objects.bulk_create(
        Partner(kind=PartnerKind.OM, name=f"Parket {i + 1:02d}", code=f"parket-{i + 1:02d}")
        for i in range(N_OM))
    weegploegen = Weegploeg.objects.bulk_create(
        Weegploeg(name=f"Weegploeg regio {w + 1:02d}", code=f"wp{w + 1:02d}",
                  politie=politie[w % N_POLITIE], om=om[w % N_OM])
        for w in range(N_WEEGPLOEGEN))
    gemeenten = Partner.objects.bulk_create(
        Partner(kind=PartnerKind.GEMEENTE, name=f"Gemeente {g + 1:03d}",
                code=f"gemeente-{g + 1:03d}", weegploeg=weegploegen[g % N_WEEGPLOEGEN])
        for g in range(N_GEMEENTEN))
    partners = politie + om + gemeenten
    pairs = [(p, role) for p in partners for role in Role]
    groups = Group.objects.bulk_create(Group(name=role_group_name(p, r)) for p, r in pairs)
    RoleGroup.objects.bulk_create(
        RoleGroup(partner=p, role=r, group=g) for (p, r), g in zip(pairs, groups, strict=True))
    group_of = {(p.pk, str(r)): g.pk for (p, r), g in zip(pairs, groups, strict=True)}

    password = make_password(None)
    wanted = []
    for p in partners:
        roles = [Role.MEMBER, Role.COORDINATOR]
        if p.kind == PartnerKind.GEMEENTE:
            roles.insert(0, Role.MELDPUNT)
        if p.pk == gemeenten[0].pk:
            roles += [Role.ADMIN, Role.AUDITOR]
        wanted += [(p, r) for r in roles]
    users = User.objects.bulk_create(
        User(email=f"{r}.{p.code}@bench.example", full_name=f"{Role(r).label} {p.name}",
             partner=p, password=password) for p, r in wanted)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=group_of[(p.pk, str(r))])
        for (p, r), u in zip(wanted, users, strict=True))
    user_of = {(p.pk, str(r)): u.pk for (p, r), u in zip(wanted, users, strict=True)}
    partner_of_user = {u.pk: p.pk for (p, _r), u in zip(wanted, users, strict=True)}
    return SimpleNamespace(
        politie=politie, om=om, weegploegen=weegploegen, gemeenten=gemeenten,
        gemeenten_of={w.pk: [g.pk for g in gemeenten if g.weegploeg_id == w.pk]
                      for w in weegploegen},
        group_of=group_of, user_of=user_of, partner_of_user=partner_of_user,
    )


# -- the population of signals --------------------------------------------------------------


def _session_base(w: int, today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=DAYS_KEPT + 60 - (w % SESSION_EVERY))


def _session_on_or_after(w: int, day: datetime.date, today: datetime.date) -> int:
    offset = (day - _session_base(w, today)).days
    return max(0, -(-offset // SESSION_EVERY))


def _session_date(w: int, index: int, today: datetime.date) -> datetime.date:
    return _session_base(w, today) + datetime.timedelta(days=index * SESSION_EVERY)


def _population(rng, org, today):
    from retention.clock import deletion_date
    from retention.models import RetentionBasis, RetentionRule
    from signals.models import Phenomenon, SignalStatus, SourceCategory
    from weegploeg.models import Outcome

    open_kinds = [SignalStatus.REGISTERED, SignalStatus.IN_PREPARATION, SignalStatus.ON_AGENDA,
                  SignalStatus.MORE_INFORMATION]
    phenomena = list(Phenomenon.values)
    phenomenon_weights = [45, 30, 8, 12, 5]
    sources = list(SourceCategory.values)
    source_weights = [45, 8, 25, 5, 7, 5, 5]
    specs = []
    for _ in range(N_LIVE + N_TOMBSTONES):
        w = rng.randrange(N_WEEGPLOEGEN)
        draw = rng.random()
        if draw < 0.20:
            status = rng.choices(open_kinds, [30, 35, 15, 20])[0]
            earliest = 45 if status == SignalStatus.MORE_INFORMATION else 0
            spec = Spec(w, today - datetime.timedelta(days=rng.randint(earliest, 540)), status)
            if status == SignalStatus.MORE_INFORMATION:
                spec.outcome = Outcome.MORE_INFORMATION
        elif draw < 0.92:
            spec = Spec(w, today - datetime.timedelta(days=rng.randint(60, DAYS_KEPT)),
                        SignalStatus.DECIDED)
            spec.outcome = (Outcome.CASUSOVERLEG if rng.random() < 0.3
                            else Outcome.NO_CASUSOVERLEG)
        else:
            spec = Spec(w, today - datetime.timedelta(days=rng.randint(12, DAYS_KEPT)),
                        SignalStatus.WITHDRAWN)
            spec.withdrawn_on = spec.received_on + datetime.timedelta(days=rng.randint(2, 10))
        spec.phenomenon = rng.choices(phenomena, phenomenon_weights)[0]
        spec.source_category = rng.choices(sources, source_weights)[0]
        specs.append(spec)
    specs.sort(key=lambda s: s.received_on)

    rules = {r.basis: r for r in RetentionRule.objects.all()}
    candidates = []
    for number, spec in enumerate(specs, start=1):
        spec.id = number
        if spec.outcome:
            first = spec.received_on + datetime.timedelta(days=14)
            spec.session_index = _session_on_or_after(spec.wp, first, today)
        if spec.status == SignalStatus.ON_AGENDA:
            spec.session_index = _session_on_or_after(
                spec.wp, today + datetime.timedelta(days=1), today)
        if spec.status == SignalStatus.DECIDED:
            spec.basis = spec.outcome
            spec.started_on = _session_date(spec.wp, spec.session_index, today)
        elif spec.status == SignalStatus.WITHDRAWN:
            spec.basis = RetentionBasis.WITHDRAWN
            spec.started_on = spec.withdrawn_on
        if spec.basis:
            spec.deletion_due = deletion_date(rules[spec.basis], spec.started_on)
            if (spec.basis != Outcome.CASUSOVERLEG
                    and spec.deletion_due <= today - datetime.timedelta(days=1)
                    and spec.started_on <= today - datetime.timedelta(days=30)):
                candidates.append(spec)
    chosen = rng.sample(candidates, N_TOMBSTONES + N_DUE)
    for spec in chosen[:N_TOMBSTONES]:
        spec.tombstone = True
    for spec in chosen[N_TOMBSTONES:]:
        spec.due = True
    for spec in specs:
        if (spec.deletion_due and not spec.tombstone and not spec.due
                and spec.deletion_due <= today):
            spec.deletion_due = today + datetime.timedelta(days=rng.randint(1, 365))
    return specs


def _people_and_references(rng, org, specs, now):
    """Persons (new, or a known one for a repeat signal), receiving partner, registrar and
    reference number of every signal; returns the person rows."""
    from pga.models import Role
    from signals.services import normalise_name

    persons = []
    pool = defaultdict(list)  # weegploeg index -> [(person id, municipality id)]
    counters = defaultdict(int)
    for spec in specs:
        wp = org.weegploegen[spec.wp]
        if spec.tombstone:
            spec.is_repeat = rng.random() < 0.12
            spec.municipality_id = rng.choice(org.gemeenten_of[wp.pk])
        elif pool[spec.wp] and rng.random() < 0.12:
            spec.person_id, spec.municipality_id = rng.choice(pool[spec.wp])
            spec.is_repeat = True
        else:
            spec.municipality_id = rng.choice(org.gemeenten_of[wp.pk])
            spec.person_id = len(persons) + 1
            pool[spec.wp].append((spec.person_id, spec.municipality_id))
            if rng.random() < 0.05:
                first, surname, dob, bsn = "", "", None, ""
                label = f"Betrokkene {spec.wp + 1:02d}-{spec.person_id}"
            else:
                first, surname, label = rng.choice(FIRST_NAMES), rng.choice(SURNAMES), ""
                dob = datetime.date(rng.randint(1960, 2010), rng.randint(1, 12),
                                    rng.randint(1, 28))
                bsn = f"{rng.randrange(10**8, 10**9)}" if rng.random() < 0.6 else ""
            prefix, _, rest = surname.rpartition(" ") if surname.startswith(("de ", "van ")) \
                else ("", "", surname)
            created = _aware(spec.received_on, 9)
            persons.append((
                spec.person_id, label, first, prefix, rest, dob, bsn,
                f"Straatweg {rng.randint(1, 300)}" if surname else "",
                f"{rng.randint(1000, 9999)} AB" if surname else "",
                spec.municipality_id, normalise_name(first, prefix, rest), created, created,
                wp.pk,
            ))
        if rng.random() < 0.7:
            spec.receiving_partner_id = spec.municipality_id
            spec.registrar_id = org.user_of[(spec.municipality_id, Role.MELDPUNT)]
        else:
            spec.receiving_partner_id = wp.politie_id
            spec.registrar_id = org.user_of[(wp.politie_id, Role.MEMBER)]
        at = _aware(spec.received_on, rng.randint(8, 17), rng.randint(0, 59))
        spec.registered_at = min(at + datetime.timedelta(days=rng.randint(0, 2)), now)
        year = spec.registered_at.year
        counters[(spec.wp, year)] += 1
        spec.reference = f"{wp.code.upper()}-{year}-{counters[(spec.wp, year)]:06d}"
    return persons, counters


def _signal_rows(rng, specs, now):
    from signals.models import SignalStatus

    descriptions = [
        "Deelde op school herhaaldelijk propaganda en sprak over geweld tegen andersdenkenden.",
        "Plaatste berichten op sociale media waarin een aanslag werd verheerlijkt.",
        "Zocht online contact met personen die naar een strijdgebied zijn vertrokken.",
        "Uitte in een gesprek met de wijkagent steun voor een extremistische groepering.",
        "Verspreidde pamfletten met opruiende teksten in de buurt van een gebedshuis.",
    ]
    for spec in specs:
        if spec.tombstone:
            continue
        withdrawn = spec.status == SignalStatus.WITHDRAWN
        yield (
            spec.id, spec.reference, spec.wp_pk, spec.person_id, spec.received_on,
            spec.receiving_partner_id, spec.registrar_id, spec.registered_at,
            spec.source_category, "onderwijs" if spec.source_category == "professional" else "",
            "Melder" if spec.source_category in ("professional", "burger") else "",
            "Organisatie melder" if spec.source_category == "professional" else "", "",
            rng.choice(descriptions), spec.received_on - datetime.timedelta(days=7), None,
            spec.phenomenon, spec.status, rng.random() < 0.01, spec.is_repeat,
            "Onterecht geregistreerd: de melding betrof een andere persoon." if withdrawn else "",
            _aware(spec.withdrawn_on, 11) if withdrawn else None,
            spec.basis, spec.started_on, spec.deletion_due, now,
        )


SIGNAL_COLUMNS = [
    "id", "reference", "weegploeg_id", "person_id", "received_on", "receiving_partner_id",
    "registered_by_id", "registered_at", "source_category", "source_sector", "reporter_name",
    "reporter_organisation", "reporter_contact", "description", "behaviour_from",
    "behaviour_to", "phenomenon", "status", "acute_danger", "is_repeat", "withdrawal_reason",
    "withdrawn_at", "retention_basis", "retention_started_on", "deletion_due", "updated_at",
]
PERSON_COLUMNS = [
    "id", "label", "first_names", "surname_prefix", "surname", "date_of_birth", "bsn",
    "address", "postcode", "municipality_id", "normalised_name", "created_at", "updated_at",
    "weegploeg_id",
]


# -- permissions: the real grant rules, joined in SQL --------------------------------------


def _grant_template(org, specs):
    """(weegploeg, municipality, receiving partner, status) → (group, permission) rows, each
    computed by `desired_grants` itself."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from pga.models import Partner
    from signals.models import Signal
    from signals.services import desired_grants

    partners = Partner.objects.in_bulk()
    perms = {p.codename: p.pk for p in Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(Signal))}
    keys = {(s.wp, s.municipality_id, s.receiving_partner_id, s.status)
            for s in specs if not s.tombstone}
    rows = []
    for w, municipality, receiving, status in keys:
        wp = org.weegploegen[w]
        gemeenten = org.gemeenten_of[wp.pk]
        fake = SimpleNamespace(
            weegploeg=SimpleNamespace(
                gemeenten=SimpleNamespace(values_list=lambda *a, _g=gemeenten, **k: _g),
                politie_id=wp.politie_id, om_id=wp.om_id, takes_part=wp.takes_part),
            person=SimpleNamespace(municipality_id=municipality),
            transfers=SimpleNamespace(exists=lambda: False),
            receiving_partner=partners[receiving], receiving_partner_id=receiving, status=status,
        )
        for (partner_id, role), codenames in desired_grants(fake).items():
            group = org.group_of.get((partner_id, str(role)))
            if group is not None:
                rows += [(wp.pk, municipality, receiving, status, group, perms[c])
                         for c in codenames]
    return rows


def _load_permissions(loader, org, specs):
    from django.db import transaction

    loader.execute(
        "CREATE TEMP TABLE bench_grants (weegploeg_id bigint, municipality_id bigint,"
        " receiving_partner_id bigint, status varchar(20), group_id int, permission_id int)")
    loader.copy("bench_grants", ["weegploeg_id", "municipality_id", "receiving_partner_id",
                                 "status", "group_id", "permission_id"],
                _grant_template(org, specs))
    with transaction.atomic(), loader.indexes_rebuilt("signals_signalgroupobjectpermission"):
        # Rows joined from existing signals, groups and permissions: the foreign-key
        # triggers are skipped for the load.
        loader.execute("SET LOCAL session_replication_role = replica")
        count = loader.execute("""
        INSERT INTO signals_signalgroupobjectpermission (group_id, permission_id,
                                                         content_object_id)
        SELECT t.group_id, t.permission_id, s.id
          FROM signals_signal s
          JOIN signals_person p ON p.id = s.person_id
          JOIN bench_grants t ON t.weegploeg_id = s.weegploeg_id
                             AND t.municipality_id = p.municipality_id
                             AND t.receiving_partner_id = s.receiving_partner_id
                             AND t.status = s.status
         ORDER BY s.id
    """)
    loader.execute("DROP TABLE bench_grants")
    return count


def _check_permissions(rng, specs):
    """The bulk-loaded grants are exactly what the service would write."""
    from signals.models import Signal, SignalGroupObjectPermission
    from signals.services import sync_signal_permissions

    live = [s.id for s in specs if not s.tombstone]
    for signal in Signal.objects.filter(pk__in=rng.sample(live, 60)):
        rows = SignalGroupObjectPermission.objects.filter(content_object=signal)
        before = set(rows.values_list("group_id", "permission_id"))
        sync_signal_permissions(signal)
        after = set(rows.values_list("group_id", "permission_id"))
        if before != after:
            raise SystemExit(f"bench: grants of signal {signal.pk} differ from desired_grants")


# -- the weegploeg's work: sessions, assessments, votes, decisions ------------------------


def _work(rng, loader, org, specs, today, now):
    from criteria.models import Framework, FrameworkStatus
    from pga.models import Role
    from signals.models import EventKind, SignalStatus
    from weegploeg.models import Outcome

    framework = Framework.objects.get(status=FrameworkStatus.PUBLISHED)
    criteria = [(c.pk, [v.pk for v in c.scale_values.all() if not v.is_unknown])
                for c in framework.criteria.order_by("number").prefetch_related("scale_values")]
    live = [s for s in specs if not s.tombstone]

    # Sessions: every two weeks per weegploeg, past ones closed, future ones planned.
    sessions, session_id = [], {}
    last_index = {}
    for w, wp in enumerate(org.weegploegen):
        coordinator = org.user_of[(org.gemeenten_of[wp.pk][0], Role.COORDINATOR)]
        index = 0
        while (day := _session_date(w, index, today)) <= today + datetime.timedelta(days=28):
            session_id[(w, index)] = len(sessions) + 1
            past = day < today
            starts = _aware(day, 10)
            sessions.append((len(sessions) + 1, wp.pk, starts, "Stadhuis", False,
                             "closed" if past else "planned",
                             starts - datetime.timedelta(days=7), coordinator,
                             starts + datetime.timedelta(hours=2) if past else None,
                             starts if past else None, ""))
            index += 1
        last_index[w] = index - 1
    loader.copy("weegploeg_session", ["id", "weegploeg_id", "starts_at", "location", "online",
                                      "status", "agenda_published_at", "created_by_id",
                                      "closed_at", "opened_at", "opening_reason"], sessions)
    starts_of = {row[0]: row[2] for row in sessions}

    items, votes, decisions, assessments, judgements = [], [], [], [], []
    events, contributions, requests = [], [], []
    positions = defaultdict(int)
    motivations = {
        Outcome.CASUSOVERLEG: "Zorgen over geweldsbereidheid en isolement; bespreken.",
        Outcome.NO_CASUSOVERLEG: "Geen aanwijzingen voor radicalisering; zorg via wijkteam.",
        Outcome.MORE_INFORMATION: "Onvoldoende zicht op het netwerk; eerst nadere duiding.",
    }
    for spec in live:
        wp = org.weegploegen[spec.wp]
        core = (spec.municipality_id, wp.politie_id, wp.om_id)
        member = org.user_of[(spec.municipality_id, Role.MEMBER)]
        events.append((spec.id, EventKind.REGISTERED, spec.registered_at, spec.registrar_id,
                       spec.receiving_partner_id, ""))
        if spec.status == SignalStatus.WITHDRAWN:
            events.append((spec.id, EventKind.WITHDRAWN, _aware(spec.withdrawn_on, 11),
                           org.user_of[(spec.municipality_id, Role.COORDINATOR)],
                           spec.municipality_id, ""))
            continue
        if rng.random() < 0.4:
            spec.contribution = len(contributions) + 1
            at = min(spec.registered_at + datetime.timedelta(days=3), now)
            contributions.append((
                len(contributions) + 1, spec.id, wp.politie_id,
                org.user_of[(wp.politie_id, Role.MEMBER)], "Politieregistratie (BVH)",
                spec.received_on, "Betrokkene is eerder in beeld geweest bij de wijkagent.",
                "own_partner" if rng.random() < 0.2 else "weegploeg", at))
            events.append((spec.id, EventKind.CONTRIBUTION, at, contributions[-1][3],
                           wp.politie_id, ""))
        assessed = spec.status != SignalStatus.REGISTERED and (
            spec.status != SignalStatus.IN_PREPARATION or rng.random() < 0.5)
        if spec.session_index is not None:
            when = starts_of[session_id[(spec.wp, spec.session_index)]]
        else:
            when = now
        if assessed:
            spec.assessment_id = len(assessments) + 1
            at = min(spec.registered_at + datetime.timedelta(days=5),
                     when - datetime.timedelta(days=2), now)
            assessments.append((spec.assessment_id, spec.id, framework.pk, "joint", None,
                                member, at, "weegploeg",
                                "De weegploeg weegt de signalen in samenhang.", None))
            for criterion, values in criteria:
                judgements.append((spec.assessment_id, criterion, rng.choice(values),
                                   "Feitelijk waargenomen door de mentor en de wijkagent.",
                                   "Mentor, gesprek", spec.municipality_id))
            events.append((spec.id, EventKind.ASSESSMENT, at, member, spec.municipality_id,
                           "gezamenlijk"))
        if spec.session_index is None:
            continue
        session = session_id[(spec.wp, spec.session_index)]
        positions[session] += 1
        spec.item_id = len(items) + 1
        decided = bool(spec.outcome)
        casus = spec.outcome == Outcome.CASUSOVERLEG
        items.append((spec.item_id, session, spec.id, positions[session], 1,
                      "decided" if decided else "open", False,
                      motivations[spec.outcome] if decided else "",
                      ["zorg_ggz", "reclassering"] if casus else [], "",
                      "geen", None))
        events.append((spec.id, EventKind.STATUS, min(when - datetime.timedelta(days=7), now),
                       org.user_of[(spec.municipality_id, Role.COORDINATOR)],
                       spec.municipality_id, "Geagendeerd (ronde 1)"))
        if not decided:
            continue
        spec.vote_id = len(votes) + 1
        for position, partner in enumerate(core):
            votes.append((len(votes) + 1, spec.item_id, partner,
                          org.user_of[(partner, Role.MEMBER)], spec.outcome,
                          motivations[spec.outcome],
                          when + datetime.timedelta(minutes=10 + position)))
        spec.decision_id = len(decisions) + 1
        taken = when + datetime.timedelta(minutes=20)
        decisions.append((spec.decision_id, spec.id, spec.item_id, spec.outcome,
                          motivations[spec.outcome],
                          ["zorg_ggz", "reclassering"] if casus else [], "",
                          "zorg_sociaal_domein" if spec.outcome == Outcome.NO_CASUSOVERLEG
                          else "", None, taken, None, "",
                          org.user_of[(spec.municipality_id, Role.COORDINATOR)]))
        events.append((spec.id, EventKind.DECIDED, taken, None, None, str(spec.outcome)))
        if spec.outcome == Outcome.MORE_INFORMATION:
            for _ in range(rng.choice((1, 2))):
                partner = rng.choice(core)
                deadline = taken.date() + datetime.timedelta(days=21)
                answered = rng.random() < 0.5
                answer = None
                if answered:
                    contributions.append((
                        len(contributions) + 1, spec.id, partner,
                        org.user_of[(partner, Role.MEMBER)], "Antwoord op informatieverzoek",
                        taken.date(), "Aanvullende informatie over het netwerk.", "weegploeg",
                        taken + datetime.timedelta(days=10)))
                    answer = len(contributions)
                requests.append((
                    spec.id, spec.decision_id, "Wat is bekend over het sociale netwerk?",
                    partner, "", deadline,
                    org.user_of[(spec.municipality_id, Role.COORDINATOR)],
                    taken + datetime.timedelta(hours=1), answer,
                    taken + datetime.timedelta(days=10) if answered else None, None, None))
    loader.copy("criteria_assessment", ["id", "signal_id", "framework_id", "kind", "partner_id",
                                        "author_id", "created_at", "visibility", "conclusion",
                                        "supersedes_id"], assessments)
    loader.copy("criteria_judgement", ["assessment_id", "criterion_id", "scale_value_id",
                                       "substantiation", "source", "source_partner_id"],
                judgements)
    loader.copy("weegploeg_agendaitem", ["id", "session_id", "signal_id", "position", "round",
                                         "status", "escalate", "joint_reasoning",
                                         "invited_parties", "other_party", "referral",
                                         "follow_up_on"], items)
    loader.copy("weegploeg_vote", ["id", "item_id", "partner_id", "voter_id", "outcome",
                                   "motivation", "cast_at"], votes)
    loader.copy("weegploeg_decision", ["id", "signal_id", "item_id", "outcome", "reasoning",
                                       "invited_parties", "other_party", "referral",
                                       "follow_up_on", "taken_at", "corrects_id",
                                       "correction_reason", "recorded_by_id"], decisions)
    loader.copy("signals_contribution", ["id", "signal_id", "partner_id", "author_id", "source",
                                         "information_date", "content", "visibility",
                                         "created_at"], contributions)
    loader.copy("weegploeg_informationrequest", [
        "signal_id", "decision_id", "question", "assigned_partner_id", "external_body",
        "deadline", "created_by_id", "created_at", "answer_id", "answered_at",
        "reminder_sent_on", "overdue_notice_sent_on"], requests)
    loader.copy("signals_signalevent", ["signal_id", "kind", "at", "actor_id", "partner_id",
                                        "note"], events)
    for table in ("weegploeg_session", "criteria_assessment", "weegploeg_agendaitem",
                  "weegploeg_vote", "weegploeg_decision", "signals_contribution"):
        loader.reset_sequence(table)
    return {"sessions": len(sessions), "assessments": len(assessments),
            "judgements": len(judgements), "items": len(items), "votes": len(votes),
            "decisions": len(decisions), "requests": len(requests),
            "contributions": len(contributions), "events": len(events)}


def _tombstones(loader, org, specs):
    rows = []
    for spec in specs:
        if not spec.tombstone:
            continue
        decided = spec.status == "decided"
        rows.append((
            spec.id, spec.reference, org.weegploegen[spec.wp].pk, spec.received_on,
            spec.registered_at.date(), spec.started_on if decided else None,
            spec.withdrawn_on, spec.basis, spec.status, spec.phenomenon, spec.source_category,
            spec.is_repeat, 1 if decided else 0,
            spec.deletion_due, _aware(spec.deletion_due + datetime.timedelta(days=1), 2), [],
        ))
    return loader.copy("retention_deletedsignal", [
        "signal_id", "reference", "weegploeg_id", "received_on", "registered_on", "decided_on",
        "withdrawn_on", "outcome", "status", "phenomenon", "source_category", "is_repeat",
        "voting_rounds", "deletion_due", "deleted_at", "pending_files"], rows)


# -- audit entries, chained as the trigger would -------------------------------------------


def _audit(rng, loader, org, specs, now):
    """N_AUDIT entries about the live signals and what hangs off them, the chain computed as
    `pga_audit_entry_hash` does, appended after the current head."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from psycopg.types.json import Jsonb

    from criteria.models import Assessment, Judgement
    from pga.models import AuditEntry, ProcessingActivity, Role
    from signals.models import Contribution, Person, Signal
    from weegploeg.models import AgendaItem, Decision, Vote

    ct = {m: ContentType.objects.get_for_model(m).pk for m in (
        Signal, Person, Assessment, Judgement, AgendaItem, Vote, Decision, Contribution)}
    action = AuditEntry.Action
    live = [s for s in specs if not s.tombstone]
    seen_person = set()

    def base_entries(spec):
        """(model, object id, action, changes, actor, purpose, time) of the writes."""
        wp = org.weegploegen[spec.wp]
        at = spec.registered_at
        out = []
        if spec.person_id not in seen_person:
            seen_person.add(spec.person_id)
            out.append((Person, spec.person_id, action.CREATE,
                        {"surname": ["None", "[naam]"], "bsn": ["None", "[bsn]"],
                         "municipality": ["None", str(spec.municipality_id)]},
                        spec.registrar_id, ProcessingActivity.INTAKE, at))
        out.append((Signal, spec.id, action.CREATE,
                    {"reference": ["None", spec.reference], "description": ["None", "[tekst]"],
                     "phenomenon": ["None", spec.phenomenon], "status": ["None", "registered"]},
                    spec.registrar_id, ProcessingActivity.INTAKE, at))
        if spec.assessment_id:
            member = org.user_of[(spec.municipality_id, Role.MEMBER)]
            later = at + datetime.timedelta(days=5)
            out.append((Assessment, spec.assessment_id, action.CREATE,
                        {"conclusion": ["None", "[tekst]"]}, member,
                        ProcessingActivity.ASSESSMENT, later))
            # Judgements were loaded five per assessment, in order, into a fresh table.
            first = (spec.assessment_id - 1) * 5 + 1
            out += [(Judgement, first + n, action.CREATE,
                     {"substantiation": ["None", "[tekst]"], "source": ["None", "[bron]"]},
                     member, ProcessingActivity.ASSESSMENT, later) for n in range(5)]
        if spec.item_id:
            coordinator = org.user_of[(spec.municipality_id, Role.COORDINATOR)]
            out.append((AgendaItem, spec.item_id, action.CREATE, {"status": ["None", "open"]},
                        coordinator, ProcessingActivity.DECISION, at + datetime.timedelta(days=9)))
            out.append((Signal, spec.id, action.UPDATE, {"status": ["registered", "on_agenda"]},
                        coordinator, ProcessingActivity.DECISION, at + datetime.timedelta(days=9)))
        if spec.decision_id:
            voters = [org.user_of[(p, Role.MEMBER)]
                      for p in (spec.municipality_id, wp.politie_id, wp.om_id)]
            for offset, voter in enumerate(voters):
                out.append((Vote, spec.vote_id + offset, action.CREATE,
                            {"outcome": ["None", spec.outcome], "motivation": ["None", "[t]"]},
                            voter, ProcessingActivity.DECISION, at + datetime.timedelta(days=20)))
            out.append((Decision, spec.decision_id, action.CREATE,
                        {"outcome": ["None", spec.outcome], "reasoning": ["None", "[tekst]"]},
                        voters[0], ProcessingActivity.DECISION, at + datetime.timedelta(days=20)))
        if spec.contribution:
            out.append((Contribution, spec.contribution, action.CREATE,
                        {"content": ["None", "[tekst]"]},
                        org.user_of[(wp.politie_id, Role.MEMBER)], ProcessingActivity.INTAKE,
                        at + datetime.timedelta(days=3)))
        return out

    base = sum(len(base_entries(s)) for s in live)
    seen_person.clear()
    extra, spare = divmod(N_AUDIT - base, len(live))
    readers = {}
    for spec in live:
        wp = org.weegploegen[spec.wp]
        readers[spec.id] = [org.user_of[(p, r)] for p in (spec.municipality_id, wp.politie_id,
                                                          wp.om_id)
                            for r in (Role.MEMBER, Role.COORDINATOR)]

    # Every entry, then in the order of time: the chain follows time as it does in use,
    # and a signal's entries lie spread over the table as they do after years of use.
    entries = []
    access, intake = action.ACCESS, ProcessingActivity.INTAKE
    for number, spec in enumerate(live):
        entries += [(int(min(at, now).timestamp()), spec.wp, model, pk, act, changes, actor,
                     purpose) for model, pk, act, changes, actor, purpose, at in
                    base_entries(spec)]
        registered = int(spec.registered_at.timestamp())
        window = max(1, min(int(now.timestamp()) - registered, 120 * 86400))
        readers_of = readers[spec.id]
        entries += [(registered + rng.randrange(window), spec.wp, Signal, spec.id, access, None,
                     rng.choice(readers_of), intake)
                    for _ in range(extra + (1 if number < spare else 0))]
    entries.sort(key=operator.itemgetter(0))

    (last_seq, last_hash), = loader.fetch(
        "SELECT last_seq, last_hash FROM pga_auditchain_head WHERE id = 1")
    (last_id,), = loader.fetch("SELECT coalesce(max(id), 0) FROM pga_auditentry")
    chain = SimpleNamespace(seq=last_seq, hash=last_hash, id=last_id)
    emails = dict(loader.fetch("SELECT id, email FROM pga_user"))
    # Per actor and model once, not per row: the row loop runs two million times.
    actors = {a: (str(a), org.partner_of_user[a], str(org.partner_of_user[a]), emails[a])
              for a in emails if a in org.partner_of_user}
    models = {m: (ct[m], str(ct[m]), str(m._meta.verbose_name)) for m in ct}
    weegploeg_ids = [wp.pk for wp in org.weegploegen]
    utc = datetime.UTC

    def rows():
        for epoch, wp, model, pk, act, changes, actor, purpose in entries:
            at = datetime.datetime.fromtimestamp(epoch, utc)
            actor_text, partner, partner_text, email = actors[actor]
            ct_id, ct_text, name = models[model]
            pk_text = str(pk)
            chain.seq += 1
            chain.id += 1
            row = {"id": chain.id, "content_type_id": ct_id, "object_pk": pk_text,
                   "object_id": pk, "object_repr": f"{name} {pk_text}", "action": act,
                   "changes_text": "", "changes": changes or None, "actor_id": actor,
                   "actor_email": email, "remote_addr": f"10.{wp}.{actor % 250}.{pk % 250}",
                   "timestamp": at, "partner_id": partner, "purpose": str(purpose),
                   "weegploeg_id": weegploeg_ids[wp], "chain_seq": chain.seq,
                   "prev_hash": chain.hash}
            digest = audit_entry_hash(chain.hash, row)
            yield (row["id"], ct_id, pk_text, pk, row["object_repr"], act, "",
                   Jsonb(changes) if changes else None, actor, email, row["remote_addr"], at,
                   partner, row["purpose"], row["weegploeg_id"], chain.seq, chain.hash, digest)
            chain.hash = digest

    with transaction.atomic(), loader.indexes_rebuilt("pga_auditentry"):
        loader.execute("SET LOCAL session_replication_role = replica")
        count = loader.copy("pga_auditentry", [
            "id", "content_type_id", "object_pk", "object_id", "object_repr", "action",
            "changes_text", "changes", "actor_id", "actor_email", "remote_addr", "timestamp",
            "partner_id", "purpose", "weegploeg_id", "chain_seq", "prev_hash", "entry_hash"],
            rows())
        loader.execute("UPDATE pga_auditchain_head SET last_seq = %s, last_hash = %s"
                       " WHERE id = 1", [chain.seq, chain.hash])
        loader.reset_sequence("pga_auditentry")
    wrong = loader.fetch("""
        SELECT count(*) FROM pga_auditentry e TABLESAMPLE SYSTEM (0.2)
         WHERE e.entry_hash <> pga_audit_entry_hash(e.prev_hash, e)""")[0][0]
    if wrong:
        raise SystemExit(f"bench: {wrong} audit hashes differ from the trigger's")
    return count


def _jsonb_text(value) -> str:
    """PostgreSQL's text of a jsonb value: object keys by length, then bytes; ", " and ": "
    between items."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_jsonb_text(item) for item in value) + "]"
    items = sorted(value.items(), key=lambda item: (len(item[0].encode()), item[0].encode()))
    return "{" + ", ".join(f"{json.dumps(key, ensure_ascii=False)}: {_jsonb_text(item)}"
                           for key, item in items) + "}"


def _strip_nulls(value):
    if isinstance(value, dict):
        return {key: _strip_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_strip_nulls(item) for item in value]
    return value


def audit_entry_hash(prev: str, row: dict) -> str:
    """`pga_audit_entry_hash` (pga migration 0011) in Python, for entries loaded by COPY
    with the triggers off: SHA-256 over the previous hash and the row as jsonb, without its
    own hash, with the time in UTC and without null columns. `row` holds every non-null
    column (attnames), the time as an aware datetime."""
    values = dict(row)
    values.pop("entry_hash", None)
    values["timestamp"] = row["timestamp"].astimezone(datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.%f")
    text = f"{prev}|{_jsonb_text(_strip_nulls(values))}"
    return hashlib.sha256(text.encode()).hexdigest()


# -- the bench's actors and objects ---------------------------------------------------------


def _bench_objects(rng, loader, org, specs, today, now):
    """The member whose pages are measured (a politie member: the eenheid serves three
    weegploegen, the largest queue), a rich decided signal, an open agenda item on which
    gemeente and OM disagree (so a vote never completes a decision), a decision for the PDF."""
    from pga.models import Role
    from signals.models import SignalStatus
    from weegploeg.models import ConsultationResult, Outcome

    politie = org.politie[0]
    member = org.user_of[(politie.pk, Role.MEMBER)]
    wps = [w for w, wp in enumerate(org.weegploegen) if wp.politie_id == politie.pk]
    rich = next(s for s in reversed(specs) if not s.tombstone and s.wp in wps
                and s.outcome == Outcome.CASUSOVERLEG and s.is_repeat and s.contribution)
    loader.execute("""
        INSERT INTO signals_contribution (signal_id, partner_id, author_id, source,
                                          information_date, content, visibility, created_at)
        SELECT %s, partner_id, author_id, source, information_date, content, visibility,
               created_at + interval '1 day' * g
          FROM signals_contribution, generate_series(1, 4) g WHERE signal_id = %s
    """, [rich.id, rich.id])
    voting = next(s for s in reversed(specs) if not s.tombstone and s.wp in wps
                  and s.status == SignalStatus.ON_AGENDA and s.assessment_id)
    wp = org.weegploegen[voting.wp]
    (session,), = loader.fetch(
        "UPDATE weegploeg_session SET status = 'open' WHERE id = (SELECT session_id FROM"
        " weegploeg_agendaitem WHERE id = %s) RETURNING id", [voting.item_id])
    loader.execute(
        "UPDATE weegploeg_agendaitem SET invited_parties = '{zorg_ggz}' WHERE id = %s",
        [voting.item_id])
    loader.copy("weegploeg_vote", ["item_id", "partner_id", "voter_id", "outcome", "motivation",
                                   "cast_at"], [
        (voting.item_id, voting.municipality_id,
         org.user_of[(voting.municipality_id, Role.MEMBER)], Outcome.CASUSOVERLEG,
         "Bespreken in het casusoverleg.", now),
        (voting.item_id, wp.om_id, org.user_of[(wp.om_id, Role.MEMBER)],
         Outcome.NO_CASUSOVERLEG, "Geen casusoverleg nodig.", now)])
    # Each core partner has stated its integral weging (rule 13), so the member may vote.
    loader.copy("weegploeg_integralstatement",
                ["item_id", "partner_id", "result", "stated_by_id", "stated_at"], [
                    (voting.item_id, partner, ConsultationResult.NOTHING_KNOWN,
                     org.user_of[(partner, Role.MEMBER)], now)
                    for partner in (voting.municipality_id, wp.politie_id, wp.om_id)])
    coordinator_gemeente = org.gemeenten_of[org.weegploegen[0].pk][0]
    return {
        "member": member,
        "member_weegploegen": [org.weegploegen[w].pk for w in wps],
        "signal": rich.id,
        "vote_item": voting.item_id,
        "vote_session": session,
        "decision": rich.decision_id,
        "search": SEARCH_SURNAME,
        "coordinator": org.user_of[(coordinator_gemeente, Role.COORDINATOR)],
        "admin": org.user_of[(coordinator_gemeente, Role.ADMIN)],
        # The FG of that gemeente and a signal of its weegploeg, for the audit screen
        # filtered by one object.
        "auditor": org.user_of[(coordinator_gemeente, Role.AUDITOR)],
        "audit_object": next(s.id for s in reversed(specs) if not s.tombstone
                             and org.weegploegen[s.wp].pk == org.weegploegen[0].pk),
        "due": sum(1 for s in specs if s.due),
    }


def build(out_path: str) -> dict:
    django.setup()
    from django.utils import timezone

    from signals.models import ReferenceCounter

    started = time.perf_counter()
    steps = {}

    def step(name):
        steps[name] = round(time.perf_counter() - started - sum(steps.values()), 1)

    rng = random.Random(SEED)
    today, now = timezone.localdate(), timezone.now()
    loader = Loader()
    org = _organisation()
    specs = _population(rng, org, today)
    for spec in specs:
        spec.wp_pk = org.weegploegen[spec.wp].pk
    persons, counters = _people_and_references(rng, org, specs, now)
    step("organisation and population")
    counts = {"persons": loader.copy("signals_person", PERSON_COLUMNS, persons)}
    counts["signals"] = loader.copy("signals_signal", SIGNAL_COLUMNS,
                                    _signal_rows(rng, specs, now))
    loader.reset_sequence("signals_person")
    loader.execute("SELECT setval(pg_get_serial_sequence('signals_signal', 'id'), %s)",
                   [len(specs)])
    ReferenceCounter.objects.bulk_create(
        ReferenceCounter(weegploeg=org.weegploegen[w], year=year, last=last)
        for (w, year), last in counters.items())
    counts["tombstones"] = _tombstones(loader, org, specs)
    step("persons, signals, tombstones")
    counts.update(_work(rng, loader, org, specs, today, now))
    step("weegploeg work")
    counts["permission rows"] = _load_permissions(loader, org, specs)
    bench = _bench_objects(rng, loader, org, specs, today, now)
    _check_permissions(rng, specs)
    step("permissions")
    counts["audit entries"] = _audit(rng, loader, org, specs, now)
    step("audit")
    loader.execute("VACUUM (ANALYZE)")
    step("vacuum analyze")
    # Write the loaded pages out now, so that the checkpoint after gigabytes of loading does
    # not fall in the middle of the measurements (needs a superuser; skipped otherwise).
    try:
        loader.execute("CHECKPOINT")
    except Exception as error:  # noqa: BLE001 - reported, the measurements still run
        print(f"bench data: no CHECKPOINT ({type(error).__name__})", flush=True)
    step("checkpoint")
    bench["counts"] = counts
    bench["steps"] = steps
    bench["copies"] = loader.timings
    bench["build_seconds"] = round(time.perf_counter() - started, 1)
    with open(out_path, "w") as handle:
        json.dump(bench, handle)
    return bench


if __name__ == "__main__":
    result = build(sys.argv[1])
    for name, value in result["counts"].items():
        print(f"bench data: {name:<18} {value:>10,}".replace(",", " "))
    for name, seconds in result["steps"].items():
        print(f"bench data: {name:<30} {seconds:>6} s")
    print(f"bench data: built in {result['build_seconds']} s")
