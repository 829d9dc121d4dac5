"""Intake rules: registration, the person index and repeat signals, attachments, partner
contributions, withdrawal and transfer — and who may see a signal (the grants).

Each function takes the acting user, runs in one transaction and raises `RuleViolation`
with a Dutch message when a rule refuses the action. Sources: docs/design.md §3 rules 1, 2, 9,
10 and 11.
"""

import contextlib
import dataclasses
import datetime
import hashlib
import unicodedata
from collections.abc import Sequence

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.audit import processing, record_access
from pga.authz import check_role, has_role
from pga.background import enqueue
from pga.models import ProcessingActivity, Role, RoleGroup
from pga.services import RuleViolation
from signals import lifecycle, queue_filters
from signals.access import can, holding
from signals.legal import require_legal_ground
from signals.models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    Attachment,
    Contribution,
    EventKind,
    MatchNotice,
    Person,
    Signal,
    SignalEvent,
    SignalGroupObjectPermission,
    SignalStatus,
    Transfer,
)
from signals.tasks import alert_acute_danger, mail_match_notice, mail_transfer_received
from signals.validators import ALLOWED_CONTENT_TYPES

REGISTERING_ROLES = (Role.MELDPUNT, Role.MEMBER, Role.COORDINATOR)

# Who may do what with a signal (docs/design.md §4.2, rule 2). The three partners of the signal's
# weegploeg see the whole dossier; the registering partner sees its own registration (and
# may edit it until the agenda), not what the weegploeg adds.
_DOSSIER = {"view_signal", "view_dossier", "view_reporter", "contribute_signal", "change_signal"}
WEEGPLOEG_GRANTS = {
    Role.MEMBER: _DOSSIER,
    Role.COORDINATOR: _DOSSIER | {"manage_signal"},
}
REGISTRAR_GRANTS = {
    role: {"view_signal", "view_reporter", "change_signal"} for role in REGISTERING_ROLES
}
# Once a signal has left the queue, nobody edits or adds to it any more.
_CLOSED_REMOVES = {"change_signal", "contribute_signal", "manage_signal"}


NORMALISED_NAME_LENGTH = 420  # Person.normalised_name's max_length


def normalise_name(*parts: str) -> str:
    """Case- and diacritics-insensitive name key for repeat matching: "Çelik, Ömer" and
    "celik omer" give the same key."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Decomposition can lengthen a name many times over; the key is a match key, not the name.
    return " ".join(stripped.casefold().replace("-", " ").split())[:NORMALISED_NAME_LENGTH]


@dataclasses.dataclass
class Registration:
    signal: Signal
    possible_repeat: bool


# -- the person index ----------------------------------------------------------------------

PERSON_FIELDS = (
    "label", "first_names", "surname_prefix", "surname", "date_of_birth", "bsn", "address",
    "postcode", "municipality",
)


def find_matching_person(weegploeg, bsn="", normalised="", date_of_birth=None, exclude_pk=None):
    """Rule 9: the same person is recognised by BSN, or by normalised name plus date of
    birth — inside one weegploeg's index only (a person record belongs to one weegploeg)."""
    match = _match(bsn, normalised, date_of_birth)
    if match is None:
        return None
    return (Person.objects.filter(match, weegploeg=weegploeg).exclude(pk=exclude_pk)
            .order_by("pk").first())


def _match(bsn, normalised, date_of_birth):
    match = Q()
    if bsn:
        match |= Q(bsn=bsn)
    if normalised and date_of_birth:
        match |= Q(normalised_name=normalised, date_of_birth=date_of_birth)
    return match or None


def _apply_person_fields(person: Person, fields: dict) -> None:
    for name in PERSON_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(person, name, "" if value is None and name not in (
                "date_of_birth", "municipality") else value)
    person.normalised_name = normalise_name(
        person.first_names, person.surname_prefix, person.surname
    )


def _person_for_registration(user, weegploeg, fields: dict) -> tuple[Person, bool]:
    """The person of a new signal in `weegploeg`, and whether that weegploeg already knew
    them (rule 9). A match there is linked, and the typed details fill it in — but only when
    the registrar's partner takes part in that weegploeg and so may see its index; a
    registrar from outside gets a new record with what they typed, marked as a possible
    repeat for the weegploeg to merge. Details typed by a registrar never change a person
    record they may not see."""
    probe, existing = _indexed_person(weegploeg, fields)
    if existing is None or not Person.objects.visible_to(user).filter(pk=existing.pk).exists():
        probe.save()
        return probe, _known_with_signals(existing)
    _merge_details(existing, fields)
    return existing, _known_with_signals(existing)


def _indexed_person(weegploeg, fields: dict) -> tuple[Person, Person | None]:
    """The typed details as an unsaved person of `weegploeg`, and the person of that
    weegploeg's index they match (rule 9), if any."""
    probe = Person(weegploeg=weegploeg)
    _apply_person_fields(probe, fields)
    return probe, find_matching_person(weegploeg, probe.bsn, probe.normalised_name,
                                       probe.date_of_birth)


def _known_with_signals(person: Person | None) -> bool:
    return person is not None and person.signals.exists()


def registrar_sees(partner, weegploeg) -> bool:
    """Rule 2: a registrar sees their own registration only while their partner takes part
    in the weegploeg that weighs it; otherwise they get only the receipt."""
    return weegploeg is not None and weegploeg.takes_part(partner)


def possible_repeat(user, person_fields: dict, chosen=None) -> bool:
    """Rule 9, before saving: whether the weegploeg this registration goes to already knows
    the typed person from an earlier signal — the same match `register_signal` makes. Only
    told to a registrar who will see the registration (`registrar_sees`); one receiving only
    the receipt learns nothing of that weegploeg's index. A lookup in the person index is a
    read of personal data and is audited."""
    target = registration_weegploeg(person_fields, chosen)
    if not registrar_sees(user.partner, target):
        return False
    _probe, existing = _indexed_person(target, person_fields)
    record_access(user, model=Person, purpose=ProcessingActivity.INTAKE,
                  detail={"controle": "eerder signaal bij registratie"})
    return _known_with_signals(existing)


def _merge_details(person: Person, fields: dict) -> bool:
    """Newer details fill in or update the known person; empty fields never erase. Returns
    whether a stored detail changed (an event on the timeline)."""
    changed = {k: v for k, v in fields.items() if k in PERSON_FIELDS and v not in ("", None)}
    before = {k: getattr(person, k) for k in changed}
    if changed:
        _apply_person_fields(person, changed)
        person.save()
    return any(before[k] not in ("", None) and before[k] != getattr(person, k) for k in changed)


def _notify_matches_elsewhere(signal: Signal) -> None:
    """Rule 9 across weegploegen: when this signal's person matches a person of another
    weegploeg (BSN, or normalised name + date of birth), the procesregisseurs of both
    weegploegen get a notice naming only the other weegploeg, the two references and a
    contact role. Nothing else crosses, and the registrar learns nothing of it."""
    person = signal.person
    match = _match(person.bsn, person.normalised_name, person.date_of_birth)
    if match is None:
        return
    others = (
        Signal.objects.filter(person__in=Person.objects.filter(match)
                              .exclude(weegploeg=signal.weegploeg_id))
        .order_by("person_id", "-received_on", "-pk").distinct("person_id")
    )
    contact = _("de procesregisseur van de weegploeg")
    for other in others:
        for own, theirs in ((signal, other), (other, signal)):
            notice, created = MatchNotice.objects.get_or_create(
                signal=own, other_signal=theirs, defaults={"contact_role": contact}
            )
            if created:
                enqueue(mail_match_notice, notice.pk)


# -- grants ----------------------------------------------------------------------------------


def _gemeente_side(signal: Signal):
    """Rule 1: in a regional weegploeg the gemeente-side party is the municipality where the
    person lives; while that is unknown, every gemeente of the weegploeg."""
    gemeenten = list(signal.weegploeg.gemeenten.values_list("pk", flat=True))
    municipality = signal.person.municipality_id
    return [municipality] if municipality in gemeenten else gemeenten


def core_partner_ids(signal: Signal) -> tuple[int, int, int]:
    """Rule 1: the three parties that weigh this signal — the gemeente-side party, the politie
    and the OM of its weegploeg. Refused while a regional weegploeg cannot tell which of its
    gemeenten is the gemeente-side party (the person's municipality is unknown)."""
    gemeenten = _gemeente_side(signal)
    if len(gemeenten) != 1:
        raise RuleViolation(
            _("Leg eerst de woongemeente van de betrokkene vast: deze weegploeg dient meerdere "
              "gemeenten.")
        )
    return gemeenten[0], signal.weegploeg.politie_id, signal.weegploeg.om_id


def desired_grants(signal: Signal) -> dict[int, set[str]]:
    """Partner id → role → permission codenames this signal should grant, by its state."""
    grants: dict[tuple[int, str], set[str]] = {}
    partners = [*_gemeente_side(signal), signal.weegploeg.politie_id, signal.weegploeg.om_id]
    for partner_id in partners:
        for role, perms in WEEGPLOEG_GRANTS.items():
            grants.setdefault((partner_id, role), set()).update(perms)
    if not signal.transfers.exists() and registrar_sees(signal.receiving_partner,
                                                         signal.weegploeg):
        # The registrar's partner sees its own registration while it takes part in the
        # weegploeg that weighs it; a registrar from outside (the typed municipality lies in
        # another weegploeg) gets only the receipt, and after a transfer the sending side
        # keeps only the Transfer row as its reference.
        for role, perms in REGISTRAR_GRANTS.items():
            grants.setdefault((signal.receiving_partner_id, role), set()).update(perms)
    if signal.status not in OPEN_STATUSES:
        for perms in grants.values():
            perms -= _CLOSED_REMOVES
    elif signal.status not in EDITABLE_STATUSES:
        for key, perms in grants.items():
            # On the agenda: the registrar may no longer edit; the weegploeg contributes.
            if key not in _weegploeg_keys(partners):
                perms.discard("change_signal")
    return grants


def _weegploeg_keys(partners):
    return {(p, role) for p in partners for role in WEEGPLOEG_GRANTS}


def sync_signal_permissions(signal: Signal) -> None:
    """Make the signal's group permission rows (guardian direct-FK table) match
    `desired_grants`. Called by every service that changes who may see or do what."""
    grants = desired_grants(signal)
    groups = {
        (rg.partner_id, rg.role): rg.group_id
        for rg in RoleGroup.objects.filter(
            partner_id__in={p for p, _r in grants}, role__in={r for _p, r in grants}
        )
    }
    perms = {
        p.codename: p.pk
        for p in Permission.objects.filter(content_type=ContentType.objects.get_for_model(Signal))
    }
    desired = {
        (groups[key], perms[codename])
        for key, codenames in grants.items()
        if key in groups
        for codename in codenames
    }
    existing = set(
        SignalGroupObjectPermission.objects.filter(content_object=signal).values_list(
            "group_id", "permission_id"
        )
    )
    stale = existing - desired
    if stale:
        stale_q = Q()
        for group_id, permission_id in stale:
            stale_q |= Q(group_id=group_id, permission_id=permission_id)
        SignalGroupObjectPermission.objects.filter(stale_q, content_object=signal).delete()
    SignalGroupObjectPermission.objects.bulk_create(
        SignalGroupObjectPermission(group_id=g, permission_id=p, content_object=signal)
        for g, p in desired - existing
    )


# -- registration ----------------------------------------------------------------------------


def next_reference(weegploeg, year: int) -> str:
    """The next reference number of this weegploeg and year, e.g. WP-2026-000123. One
    atomic upsert, so two registrations at the same moment never share a number."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO signals_referencecounter (weegploeg_id, year, last)
            VALUES (%s, %s, 1)
            ON CONFLICT (weegploeg_id, year) DO UPDATE
                SET last = signals_referencecounter.last + 1
            RETURNING last
            """,
            [weegploeg.pk, year],
        )
        (number,) = cursor.fetchone()
    return f"{weegploeg.code.upper()}-{year}-{number:06d}"


def record_event(user, signal, kind, note="") -> None:
    """Add a line to the signal's timeline (no personal data of the betrokkene in `note`)."""
    SignalEvent.objects.create(
        signal=signal,
        kind=kind,
        actor=user,
        partner_id=getattr(user, "partner_id", None),
        note=note,
    )


def registration_weegploeg(person_fields: dict, chosen=None):
    """Rule 2: a signal goes to the weegploeg of the municipality typed for the person, or,
    while that is unknown, to the weegploeg the registrar chose. Typed details decide this,
    never a stored person record."""
    municipality = person_fields.get("municipality")
    if municipality is not None and municipality.weegploeg_id:
        return municipality.weegploeg
    return chosen


def register_signal(user, *, signal_fields: dict, person_fields: dict, weegploeg=None,
                    attachments=()) -> Registration:
    """Register a signal (rule 2: it reaches the weegploeg of the person's municipality, or
    the weegploeg chosen while the municipality is unknown). The person is looked up in the
    index (rule 9) — a repeat is linked and shown to the weegploeg, while the registrar only
    learns that there may be an earlier signal. Without identity, a pseudonymous label is
    enough (rule 11)."""
    check_role(user, *REGISTERING_ROLES,
               refusal=_("Alleen het meldpunt en weegploegleden registreren signalen."))
    with (
        files_removed_on_failure() as written,
        transaction.atomic(),
        processing(ProcessingActivity.INTAKE),
    ):
        target = registration_weegploeg(person_fields, weegploeg)
        if target is None:
            raise RuleViolation(
                _("Kies de weegploeg: de woongemeente is onbekend of hoort bij geen weegploeg."),
                field="weegploeg",
            )
        person, known = _person_for_registration(user, target, person_fields)
        today = timezone.localdate()
        signal = Signal(
            **signal_fields,
            weegploeg=target,
            person=person,
            receiving_partner_id=user.partner_id,
            registered_by=user,
            is_repeat=known,
            reference=next_reference(target, today.year),
        )
        signal.save()
        if not person.label and not person.has_identity:
            person.label = _("Betrokkene %(ref)s") % {"ref": signal.reference}
            person.save(update_fields=["label"])
        record_event(user, signal, EventKind.REGISTERED)
        _notify_matches_elsewhere(signal)
        for uploaded, content_type in attachments:
            _store_attachment(user, signal, uploaded, content_type, written)
        sync_signal_permissions(signal)
        if signal.acute_danger:
            record_event(user, signal, EventKind.ACUTE_DANGER)
            enqueue(alert_acute_danger, signal.pk, run_inline_if_unreachable=True)
    return Registration(signal=signal, possible_repeat=known)


def earlier_signals(user, signal: Signal):
    """Rule 9: the earlier signals about the same person that this user may see as weegploeg
    (still within retention: purged signals no longer exist)."""
    others = Signal.objects.filter(person_id=signal.person_id).exclude(pk=signal.pk)
    return (
        holding(user, "signals.view_dossier", others)
        .only("reference", "received_on", "status")  # what the lists show
        .order_by("-received_on", "-pk")
    )


# The name under which the page's read of the signal row carries whether the person has any
# other signal (`page_annotations`).
HAS_OTHER_SIGNALS = "page_person_has_other_signals"


def page_annotations() -> dict:
    """What `page_lists` reads with the signal row itself (`get_visible_signal`'s
    `annotations`): whether any other signal about the same person exists, whoever may see
    it — an index probe on the person. Without one, rule 9's list is empty and needs no
    query; the answer is never shown, only the list that `earlier_signals` permits."""
    others = Signal.objects.filter(person=OuterRef("person")).exclude(pk=OuterRef("pk"))
    return {HAS_OTHER_SIGNALS: Exists(others)}


def page_lists(user, signal: Signal, *, dossier: bool) -> dict[str, list]:
    """The lists of the signal page, one query each at most: the timeline for everyone who
    sees the signal, and the attachments — only for a signal whose timeline records one,
    since every attachment does (`_store_attachment`); with `dossier` (the user sees the
    dossier) also the earlier signals (rule 9; only when the signal row says the person has
    another signal, `page_annotations`), the contributions and the transfers — the latter
    only for a signal whose timeline records one, since every transfer does
    (`transfer_signal`)."""
    events = list(
        signal.events.select_related("actor", "partner").only(  # what the timeline shows
            "signal_id", "kind", "at", "actor_id", "partner_id", "note", "actor__full_name",
            "partner__name",
        )
    )
    kinds = {event.kind for event in events}
    attachments = list(signal.attachments.all()) if EventKind.ATTACHMENT in kinds else []
    lists = {"attachments": attachments, "events": events}
    if dossier:
        others = getattr(signal, HAS_OTHER_SIGNALS, True)
        lists["earlier_signals"] = list(earlier_signals(user, signal)) if others else []
        lists["contributions"] = list(
            signal.contributions.select_related("partner", "legal_ground"))
        lists["transfers"] = list(
            signal.transfers.select_related("from_weegploeg", "to_weegploeg")
        ) if EventKind.TRANSFERRED_IN in kinds else []
    return lists


# -- changes ------------------------------------------------------------------------------


@transaction.atomic
def edit_signal(user, signal: Signal, signal_fields: dict) -> Signal:
    """Edit the registration; allowed until the signal is on a session's agenda."""
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if not can(user, "signals.change_signal", signal) or signal.status not in EDITABLE_STATUSES:
        raise RuleViolation(
            _("Dit signaal staat op de agenda of is afgehandeld; voeg informatie toe als inbreng.")
        )
    for name, value in signal_fields.items():
        setattr(signal, name, value)
    signal.save()
    record_event(user, signal, EventKind.EDITED)
    return signal


@transaction.atomic
def update_identity(user, signal: Signal, person_fields: dict) -> bool:
    """Add or correct the person's identity (rule 11) and match again (rule 9). When the new
    details match another known person, this signal's person is merged into that one.
    Returns whether a match with earlier signals was found."""
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if not can(user, "signals.change_signal", signal) or signal.status not in OPEN_STATUSES:
        raise RuleViolation(_("U kunt de gegevens van de betrokkene hier niet wijzigen."))
    person = signal.person
    _apply_person_fields(person, person_fields)
    other = find_matching_person(
        signal.weegploeg_id, person.bsn, person.normalised_name, person.date_of_birth,
        exclude_pk=person.pk,
    )
    found = False
    if other is not None:
        # The same person twice in the index: keep the older row, move the signals over.
        found = other.signals.exists()
        for moved in Signal.objects.filter(person=person):
            moved.person = other
            moved.is_repeat = moved.is_repeat or found
            moved.save(update_fields=["person", "is_repeat", "updated_at"])
        Person.objects.filter(pk=person.pk).delete()
        _merge_details(other, {k: v for k, v in person_fields.items() if k != "label"})
        signal.refresh_from_db()
    else:
        person.save()
    record_event(user, signal, EventKind.IDENTITY)
    sync_signal_permissions(signal)
    _notify_matches_elsewhere(signal)
    return found


def _store_attachment(user, signal, uploaded, content_type, written: list):
    attachment = store_upload(Attachment(signal=signal, uploaded_by=user), uploaded,
                              content_type, written)
    record_event(user, signal, EventKind.ATTACHMENT)
    return attachment


def store_upload(row, uploaded, content_type: str, written: list):
    """Write an upload (type already sniffed by `check_attachment`) to storage under a name
    of its own (never the uploaded name, which may hold personal data) and save `row` (a
    model with the fields of `Attachment`: file, original_name, content_type, size, sha256).
    The file is noted in `written` (`files_removed_on_failure`)."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    row.original_name = uploaded.name[:255]
    row.content_type = content_type
    row.size = uploaded.size
    row.sha256 = digest.hexdigest()
    row.file.save("bijlage", uploaded, save=False)
    written.append((row.file.storage, row.file.name))
    row.save()
    return row


@contextlib.contextmanager
def files_removed_on_failure():
    """Files are written to storage before their rows commit. If the transaction fails,
    remove them, so storage never holds a file the database does not know."""
    written: list = []
    try:
        yield written
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def add_attachment(user, signal: Signal, uploaded, content_type: str) -> Attachment:
    """An attachment (type already sniffed by `check_attachment`) for a signal the user may
    change or contribute to."""
    if content_type not in ALLOWED_CONTENT_TYPES:
        raise RuleViolation(_("Dit bestandstype is niet toegestaan."), field="file")
    if not (can(user, "signals.contribute_signal", signal)
            or can(user, "signals.change_signal", signal)):
        raise RuleViolation(_("U kunt aan dit signaal geen bijlage toevoegen."))
    with files_removed_on_failure() as written, transaction.atomic():
        return _store_attachment(user, signal, uploaded, content_type, written)


@transaction.atomic
def add_contribution(user, signal: Signal, fields: dict) -> Contribution:
    """A partner brings in information (informatie-inbreng) with source, date and the legal
    ground it is shared on (rule 13, `signals.legal`); "own partner only" shields the content
    from the other partners (docs/design.md §4.2)."""
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if not can(user, "signals.contribute_signal", signal):
        raise RuleViolation(_("Alleen de partners van de weegploeg brengen informatie in."))
    require_legal_ground(fields.get("legal_ground"))
    contribution = Contribution.objects.create(
        signal=signal, partner_id=user.partner_id, author=user, **fields
    )
    record_preparation(user, signal, EventKind.CONTRIBUTION)
    return contribution


def record_preparation(user, signal: Signal, kind: str, note: str = "") -> None:
    """Something was added to the dossier (a contribution, an assessment): note it on the
    timeline and move a freshly registered signal into preparation."""
    if signal.status == SignalStatus.REGISTERED:
        signal.status = SignalStatus.IN_PREPARATION
        signal.save(update_fields=["status", "updated_at"])
    record_event(user, signal, kind, note)


def contributions_for(user, contributions):
    """The contributions with, for each, whether its content is shielded from this user."""
    return [(c, c.is_shielded_for(user.partner_id)) for c in contributions]


def _refuse_while_on_agenda(signal: Signal) -> None:
    """A signal on a session's agenda stays with that session until the session decides or
    closes; only then can it be withdrawn or transferred."""
    if signal.status == SignalStatus.ON_AGENDA:
        raise RuleViolation(
            _("Dit signaal staat op de agenda van een overleg. Laat de procesregisseur het eerst "
              "van de agenda halen, of wacht tot het overleg is gesloten.")
        )


@transaction.atomic
def withdraw_signal(user, signal: Signal, reason: str) -> Signal:
    """Rule 2: a signal leaves the queue by withdrawal only with a written reason, which all
    three partners see."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise RuleViolation(
            _("Geef een schriftelijke reden van minstens 10 tekens; alle drie de partners zien "
              "deze reden."),
            field="reason",
        )
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if not can(user, "signals.manage_signal", signal) or signal.status not in OPEN_STATUSES:
        raise RuleViolation(_("Dit signaal kan niet (meer) worden ingetrokken."))
    _refuse_while_on_agenda(signal)
    signal.status = SignalStatus.WITHDRAWN
    signal.withdrawal_reason = reason
    signal.withdrawn_at = timezone.now()
    signal.save()
    record_event(user, signal, EventKind.WITHDRAWN)
    sync_signal_permissions(signal)
    lifecycle.outcome_reached(signal, SignalStatus.WITHDRAWN, signal.withdrawn_at)
    return signal


@transaction.atomic
def transfer_signal(user, signal: Signal, to_weegploeg, reason: str, municipality=None):
    """Rule 10: when the person moves, their dossier — open or decided — goes to the weegploeg
    of the new municipality, not re-registered. One action moves the whole dossier: every
    signal of the person at this weegploeg (the earlier ones too: the history follows the
    person), each with its contributions, wegingen, rounds, decisions and records, and its
    retention dates, which stay as they are. An open signal starts again in the receiving
    queue, a closed one stays closed. The user must be allowed to transfer each of them
    (`may_transfer`), and none may be on an agenda. The sending side keeps only a Transfer
    row per signal as a reference; the receiving procesregisseurs get a mail and a work-list
    entry per signal until they take it in (`acknowledge_transfer`)."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Geef de reden van de overdracht."), field="reason")
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    dossier = list(Signal.objects.select_for_update().filter(person_id=signal.person_id)
                   .order_by("received_on", "pk"))
    for part in dossier:
        if not may_transfer(user, part):
            raise RuleViolation(
                _("Dit dossier kan niet (meer) worden overgedragen: signaal %(ref)s van deze "
                  "betrokkene mag u niet overdragen.") % {"ref": part.reference}
                if part.pk != signal.pk
                else _("Dit signaal kan niet (meer) worden overgedragen."))
        _refuse_while_on_agenda(part)
    if municipality is not None:
        to_weegploeg = municipality.weegploeg
    if to_weegploeg is None or to_weegploeg.pk == signal.weegploeg_id:
        raise RuleViolation(
            _("Kies een andere weegploeg dan de huidige."), field="to_weegploeg"
        )
    person = signal.person
    if municipality is not None:
        person.municipality = municipality
        person.save(update_fields=["municipality", "updated_at"])
    moved = _person_moved_to(person, to_weegploeg)
    for part in dossier:
        transfer = Transfer.objects.create(
            signal=part,
            reference=part.reference,
            from_weegploeg_id=part.weegploeg_id,
            to_weegploeg=to_weegploeg,
            reason=reason,
            transferred_by=user,
        )
        part.person = moved
        part.weegploeg = to_weegploeg
        if part.status in OPEN_STATUSES:
            part.status = SignalStatus.REGISTERED
        part.save()
        record_event(user, part, EventKind.TRANSFERRED_IN, note=str(to_weegploeg))
        sync_signal_permissions(part)
        lifecycle.transferred(part, transfer.from_weegploeg_id)
        enqueue(mail_transfer_received, transfer.pk, run_inline_if_unreachable=True)
    if moved.pk != person.pk:
        person.delete()
    signal.refresh_from_db()
    return signal


def may_transfer(user, signal: Signal) -> bool:
    """Who may transfer (`transfer_signal`): an open signal whoever manages it, a closed one
    (decided or withdrawn) its procesregisseur."""
    if signal.status in OPEN_STATUSES:
        return can(user, "signals.manage_signal", signal)
    return (signal.status in (SignalStatus.DECIDED, SignalStatus.WITHDRAWN)
            and has_role(user, Role.COORDINATOR) and can(user, "signals.view_dossier", signal))


def transfers_in(user):
    """Rule 10: dossiers transferred to the user's weegploegen that a procesregisseur has
    not yet taken in (the receiving side's work list)."""
    from pga.authz import weegploegen_of

    if not has_role(user, Role.COORDINATOR):
        return Transfer.objects.none()
    return (Transfer.objects.filter(to_weegploeg__in=weegploegen_of(user),
                                    received_at__isnull=True)
            .select_related("from_weegploeg").order_by("transferred_at", "pk"))


@transaction.atomic
def acknowledge_transfer(user, transfer: Transfer) -> Transfer:
    """The receiving procesregisseur takes a transferred dossier in; its work-list entry
    ends."""
    check_role(user, Role.COORDINATOR,
               refusal=_("Alleen de procesregisseur neemt een overdracht in ontvangst."))
    transfer = transfers_in(user).select_for_update(of=("self",)).filter(pk=transfer.pk).first()
    if transfer is None:
        raise RuleViolation(_("Deze overdracht is al in ontvangst genomen."))
    transfer.received_at = timezone.now()
    transfer.received_by = user
    transfer.save(update_fields=["received_at", "received_by"])
    return transfer


def _person_moved_to(person: Person, weegploeg) -> Person:
    """Rule 10 with the index per weegploeg: the person of a transferred dossier joins the
    receiving weegploeg's index — linked to the person it already knows there (rule 9, its
    details brought up to date; the caller removes the sending record once its signals
    have moved), else the record moves along."""
    details = {name: getattr(person, name) for name in PERSON_FIELDS}
    known = find_matching_person(weegploeg, person.bsn, person.normalised_name,
                                 person.date_of_birth)
    if known is None:
        person.weegploeg = weegploeg
        person.save(update_fields=["weegploeg", "updated_at"])
        return person
    _merge_details(known, details)
    return known


# A name search with more matching persons than this hands Postgres the subquery instead.
SEARCH_PERSONS_LISTED = 2000

# What a row of the queue shows (templates/signals/queue.html): the rest stays unread.
QUEUE_COLUMNS = (
    "reference", "acute_danger", "is_repeat", "received_on", "phenomenon", "source_category",
    "status", "person__first_names", "person__surname_prefix", "person__surname",
    "person__label",
)


def queue(user, *, q="", status="", phenomenon="", source_category="", date_from=None,
          date_to=None, acute_danger=False, waiting_days=None, **registered):
    """The weegploeg's queue: the signals this user sees as weegploeg (never others'), by
    default the open ones, newest first. Search by reference or by (normalised) name; filter
    on acute danger, on how many days a signal has waited since it was received, and by the
    filters later apps register (`signals.queue_filters`, e.g. "wacht op mijn organisatie").
    A search gives its hits as `SearchHits`, the rest a queryset; both page alike."""
    signals = _as_queue_rows(Signal.objects.visible_to(user, "signals.view_dossier"))
    signals = queue_filters.narrow(user, signals, registered)
    signals = signals.filter(status=status) if status else signals.filter(
        status__in=OPEN_STATUSES
    )
    if phenomenon:
        signals = signals.filter(phenomenon=phenomenon)
    if source_category:
        signals = signals.filter(source_category=source_category)
    if date_from:
        signals = signals.filter(received_on__gte=date_from)
    if date_to:
        signals = signals.filter(received_on__lte=date_to)
    if acute_danger:
        signals = signals.filter(acute_danger=True)
    if waiting_days is not None:
        signals = signals.filter(
            received_on__lte=timezone.localdate() - datetime.timedelta(days=waiting_days))
    if q:
        # By reference, or by a person found first, then their signals (ADR 0007 §3).
        persons = Person.objects.filter(
            Q(normalised_name__contains=normalise_name(q)) | Q(label__icontains=q.strip())
        ).values_list("pk", flat=True)
        found = list(persons[:SEARCH_PERSONS_LISTED + 1])
        by_person = Q(person_id__in=persons if len(found) > SEARCH_PERSONS_LISTED else found)
        signals = signals.filter(Q(reference__iexact=q.strip()) | by_person)
    signals = signals.order_by("-received_on", "-pk")
    return SearchHits(signals) if q else signals


class SearchHits(Sequence):
    """The signals a search finds, in the order of `signals`, as `Paginator` reads them: the
    ids of all of them in one query, then the rows of the page shown by those ids (ADR 0007
    §3). `signals` is the scoped query (`Signal.objects.visible_to`), so the ids, and the
    rows read by them, are the user's."""

    def __init__(self, signals):
        self.ids = list(signals.values_list("pk", flat=True))

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._rows(self.ids[index])
        return self._rows([self.ids[index]])[0]

    def __iter__(self):
        return iter(self._rows(self.ids))

    @staticmethod
    def _rows(ids: list) -> list:
        # A signal purged since its id was read is left out.
        rows = _as_queue_rows(Signal.objects.all()).in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


def _as_queue_rows(signals):
    return signals.select_related("person").only(*QUEUE_COLUMNS)


def match_notices(user):
    """The notices of persons that match a person of another weegploeg (rule 9), for the
    procesregisseurs of the weegploeg that holds them: references, the other weegploeg and
    the role to contact."""
    return MatchNotice.objects.visible_to(user).select_related(
        "signal", "other_signal__weegploeg").only(
        "created_at", "contact_role", "signal__reference", "other_signal__reference",
        "other_signal__weegploeg__name")


def transfers_out(user):
    """The references the user's weegploegen keep of dossiers they transferred."""
    from pga.authz import weegploegen_of

    return Transfer.objects.filter(from_weegploeg__in=weegploegen_of(user)).select_related(
        "to_weegploeg"
    )


def can_register(user) -> bool:
    return has_role(user, *REGISTERING_ROLES)
