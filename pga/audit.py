"""Audit wiring: who acted, from where, for which purpose, and the record of reads.

Writes of registered models are logged by django-auditlog; reads of personal data are
logged here, explicitly, by `record_access`. Every entry carries the acting user, their
partner, the processing activity ("Logboek Dataverwerkingen") and the weegploeg the object
belongs to; see `pga.models.AuditEntry`.

The log records the processing, not the personal values (docs/adr/0005): each app registers
its models with `register`, naming the fields whose values may be kept; of every other field
with a value that can be personal or free text, the entry says that it changed, never what
to (`WITHHELD`).
"""

import contextlib
import contextvars
import dataclasses

from auditlog.context import auditlog_value, set_actor
from auditlog.middleware import AuditlogMiddleware
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models.signals import pre_delete

from pga.models import AuditEntry, ProcessingActivity

# What an audit entry holds instead of the old and new value of a withheld field.
WITHHELD = "[niet vastgelegd]"

# Fields whose values may be personal data or free text: each one of an audited model is
# declared kept (its values are not personal) or withheld (or excluded from the log).
VALUE_FIELDS = (models.CharField, models.TextField, models.DateField, models.JSONField,
                models.FileField, ArrayField)


@dataclasses.dataclass(frozen=True)
class AuditDeclaration:
    kept: frozenset
    withheld: frozenset
    excluded: frozenset
    weegploeg: tuple


_declarations: dict[type, AuditDeclaration] = {}


def withhold(value) -> str:
    """django-auditlog's mask for the withheld fields: nothing of the value remains (its own
    mask keeps half of it)."""
    return WITHHELD


def register(model, *, kept=(), withheld=(), excluded=(), weegploeg=(), m2m_fields=None):
    """Register `model` with django-auditlog under the rule that the log records the
    processing, not the personal values (docs/adr/0005).

    - `kept`: fields whose values the log keeps, because they are not personal and not free
      text (a status, a date of the process, an organisation's name);
    - `withheld`: fields with personal data or free text: the entry names the field when it
      changes, its values are `WITHHELD`;
    - `excluded`: fields not logged at all (bookkeeping, password hashes);
    - `weegploeg`: the path(s) from the model to its weegploeg, as ORM lookups (the first
      that gives one wins), so each entry says which weegploeg's data it concerns.

    Every value field (`VALUE_FIELDS`) not declared kept is withheld, so a field added later
    leaks nothing; `undeclared_value_fields` (and its test) asks for the declaration."""
    kept, withheld, excluded = frozenset(kept), frozenset(withheld), frozenset(excluded)
    value_fields = {f.name for f in model._meta.concrete_fields if isinstance(f, VALUE_FIELDS)}
    masked = sorted((value_fields - kept - excluded) | withheld)
    # A reverse one-to-one relation is no field of this model's row: its object is logged
    # as itself, and reading it here would cost a query per logged object (docs/adr/0007).
    reverse_one_to_one = {f.name for f in model._meta.get_fields()
                          if f.one_to_one and not f.concrete}
    auditlog.register(model, exclude_fields=sorted(excluded | reverse_one_to_one),
                      mask_fields=masked,
                      mask_callable="pga.audit.withhold", m2m_fields=m2m_fields)
    pre_delete.connect(_known_while_deleted, sender=model,
                       dispatch_uid=f"pga-audit-known-{model._meta.label}")
    if isinstance(weegploeg, str):
        weegploeg = (weegploeg,)
    _declarations[model] = AuditDeclaration(kept, withheld, excluded, tuple(weegploeg))


def declaration(model) -> AuditDeclaration | None:
    return _declarations.get(model)


def undeclared_value_fields(model) -> set[str]:
    """Value fields of an audited model that its registration does not declare kept,
    withheld or excluded (all of them when it was not registered through `register`)."""
    decl = _declarations.get(model) or AuditDeclaration(frozenset(), frozenset(), frozenset(), ())
    declared = decl.kept | decl.withheld | decl.excluded
    return {f.name for f in model._meta.concrete_fields
            if isinstance(f, VALUE_FIELDS) and f.name not in declared}


def _walk(instance, path: str):
    """Follow a forward lookup path on an instance; (True, value) when it could be followed
    in memory (the related objects loaded or loadable one by one), else (False, None)."""
    obj = instance
    steps = path.split("__")
    for n, step in enumerate(steps):
        try:
            field = obj._meta.get_field(step) if step != "pk" else obj._meta.pk
        except FieldDoesNotExist:
            return False, None
        if field.is_relation and not (field.many_to_one or field.one_to_one) \
                or field.is_relation and not field.concrete:
            return False, None
        if n == len(steps) - 1:
            return True, getattr(obj, field.attname)
        try:
            obj = _related(obj, field)
        except ObjectDoesNotExist:
            return True, None
        if obj is None:
            return True, None
    return True, None


# Objects read while walking to the weegploeg inside `objects_known` ({(model, pk): object}).
_known = contextvars.ContextVar("audit_known_objects", default=None)


@contextlib.contextmanager
def objects_known(*instances):
    """While many objects that refer to the same few are logged together (the purge deletes
    a signal with everything that hangs off it), the walk to each one's weegploeg reads a
    related object once, not once per object that refers to it: `instances`, and what the
    walk reads, are kept for the block."""
    token = _known.set({(type(i)._meta.concrete_model, i.pk): i for i in instances})
    try:
        yield
    finally:
        _known.reset(token)


def _known_while_deleted(sender, instance, **kwargs):
    """Django announces every object of a delete before it deletes any (`pre_delete`): inside
    `objects_known`, each is kept, so that an object deleted with its parent finds the
    parent in memory."""
    known = _known.get()
    if known is not None:
        known[(sender._meta.concrete_model, instance.pk)] = instance


def _related(obj, field):
    """The object `field` (a forward foreign key) of `obj` refers to."""
    known = _known.get()
    if known is None:
        return getattr(obj, field.name)
    key = (field.related_model._meta.concrete_model, getattr(obj, field.attname))
    if key[1] is None:
        return None
    if key not in known:
        known[key] = getattr(obj, field.name)
    return known[key]


def weegploeg_of(instance) -> int | None:
    """The id of the weegploeg `instance` belongs to, by its model's declared path; None for
    objects of no weegploeg (partners, users, the framework)."""
    decl = _declarations.get(type(instance)._meta.concrete_model)
    if decl is None or instance.pk is None:
        return None
    for path in decl.weegploeg:
        followed, value = _walk(instance, path)
        if not followed:
            value = weegploeg_ids(type(instance), [instance.pk], paths=[path]).get(instance.pk)
        if value is not None:
            return value
    return None


def weegploeg_ids(model, pks, *, paths=None) -> dict:
    """{pk: weegploeg id} for objects of `model` still in the database, one query per
    declared path."""
    decl = _declarations.get(model._meta.concrete_model)
    found: dict = {}
    pks = [pk for pk in pks if pk is not None]
    if decl is None or not pks:
        return found
    for path in paths or decl.weegploeg:
        missing = [pk for pk in pks if pk not in found]
        if not missing:
            break
        rows = (model._default_manager.filter(pk__in=missing)
                .exclude(**{f"{path}__isnull": True}).values_list("pk", path))
        for pk, weegploeg_id in rows:
            found.setdefault(pk, weegploeg_id)
    return found

# The entries collected inside `entries_together` (a list), or None: written one by one.
_together = contextvars.ContextVar("audit_entries_together", default=None)


@contextlib.contextmanager
def entries_together():
    """Every audit entry written inside this block — by django-auditlog, by
    `record_access` — is made as usual and kept, and all of them go into the log together at
    the end of the block, in one INSERT, in the order they were made (the purge, which logs
    a dozen objects per signal: docs/adr/0007). Use it inside the transaction of the work it
    logs: when the block fails, nothing of it is written."""
    entries = []
    token = _together.set(entries)
    try:
        yield
        _together.set(None)
        if entries:
            AuditEntry.objects.bulk_create(entries)
    finally:
        _together.reset(token)


def collected_entries() -> list | None:
    """The list `entries_together` collects in, or None outside it (`AuditEntryManager`)."""
    return _together.get()


_purpose = contextvars.ContextVar("audit_purpose", default=None)
_actor = contextvars.ContextVar("audit_actor", default=None)

# The purpose of a request, by the app of the view that serves it; a view may name its own
# with @audit_purpose, a service with `processing(...)`.
DEFAULT_PURPOSE_BY_APP = {
    "signals": ProcessingActivity.INTAKE,
    "criteria": ProcessingActivity.ASSESSMENT,
    "weegploeg": ProcessingActivity.DECISION,
    "retention": ProcessingActivity.RETENTION,
    "two_factor": ProcessingActivity.AUTHENTICATION,
    "axes": ProcessingActivity.AUTHENTICATION,
}


def client_ip(request) -> str | None:
    """The client's address. `X-Forwarded-For` is believed only for the TRUSTED_PROXY_COUNT
    proxies in front of us: the address that the outermost trusted proxy saw is the client.
    Anything further left in the header was written by the client and can be forged."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


def current_actor():
    """The user acting in this request (set by the audit middleware) or task (`acting_as`)."""
    return _actor.get()


@contextlib.contextmanager
def acting_as(user, purpose: str | None = None):
    """Attribute the audit entries written inside this block to `user` (tasks, commands)."""
    actor_token = _actor.set(user)
    purpose_token = _purpose.set(purpose) if purpose else None
    try:
        with set_actor(user):
            yield
    finally:
        _actor.reset(actor_token)
        if purpose_token is not None:
            _purpose.reset(purpose_token)
        auditlog_value.set({})


def current_purpose() -> str:
    return _purpose.get() or ProcessingActivity.MANAGEMENT


@contextlib.contextmanager
def processing(purpose: str):
    """Record the audit entries written inside this block under `purpose`."""
    token = _purpose.set(purpose)
    try:
        yield
    finally:
        _purpose.reset(token)


def audit_purpose(purpose: str):
    """Mark a view with the processing activity it serves."""

    def decorate(view):
        view.audit_purpose = purpose
        return view

    return decorate


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware with our trusted-proxy rule for the client address, and
    the purpose of the request taken from the view."""

    def get_extra_data(self, request):
        """What django-auditlog writes with each entry of this request (its public hook)."""
        return {"remote_addr": client_ip(request), "remote_port": None,
                "actor": request_actor(request)}

    def __call__(self, request):
        purpose_token = _purpose.set(None)
        actor_token = _actor.set(request_actor(request))
        try:
            return super().__call__(request)
        finally:
            _purpose.reset(purpose_token)
            _actor.reset(actor_token)
            # django-auditlog leaves its context set after the request; clear it so that
            # nothing written later in this thread is attributed to this request's user.
            auditlog_value.set({})

    def process_view(self, request, view_func, view_args, view_kwargs):
        purpose = getattr(view_func, "audit_purpose", None)
        if purpose is None:
            app = (getattr(view_func, "__module__", "") or "").split(".")[0]
            purpose = DEFAULT_PURPOSE_BY_APP.get(app, ProcessingActivity.MANAGEMENT)
        _purpose.set(purpose)


def request_actor(request):
    """The user of `request` if logged in, else None."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record_access(user, obj=None, *, model=None, purpose=None, detail=None) -> AuditEntry:
    """Log a read of personal data (action ACCESS): a detail page, a download, an export,
    a search. `obj` is what was read; for reads of no single object (a search, an export)
    pass the `model` searched instead. `detail` must not hold personal data: it is kept as
    it is (name what was done, e.g. {"zoekopdracht": "persoonsnaam"}, never the query)."""
    model = model or type(obj)
    return AuditEntry.objects.create(
        weegploeg_id=weegploeg_of(obj) if obj is not None else None,
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(obj.pk) if obj is not None else "",
        object_id=obj.pk if obj is not None and isinstance(obj.pk, int) else None,
        object_repr=str(obj) if obj is not None else str(model._meta.verbose_name_plural),
        action=AuditEntry.Action.ACCESS,
        actor=user if user is not None and user.is_authenticated else None,
        actor_email=getattr(user, "email", None),
        purpose=purpose or current_purpose(),
        additional_data=detail,
        remote_addr=_current_remote_addr(),
    )


def _current_remote_addr():
    try:
        return auditlog_value.get().get("remote_addr")
    except LookupError:
        return None


def verify_audit_chain(using="default"):
    """Recompute the chain. Returns None when intact, else (chain_seq or id, reason) of the
    first broken entry: a changed hashed field, a changed link, a gap (a removed entry) or a
    removed tail (the head table knows the last entry)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT * FROM (
                SELECT id, chain_seq,
                       CASE
                         WHEN chain_seq IS NULL THEN 'geen plaats in de keten'
                         WHEN chain_seq <> coalesce(lag(chain_seq) OVER w, 0) + 1
                           THEN 'ontbrekende regel vóór deze'
                         WHEN prev_hash <> coalesce(lag(entry_hash) OVER w, '')
                           THEN 'verwijzing naar vorige regel klopt niet'
                         WHEN entry_hash <> pga_audit_entry_hash(prev_hash, e)
                           THEN 'inhoud gewijzigd'
                       END AS problem
                  FROM pga_auditentry e
                WINDOW w AS (ORDER BY chain_seq NULLS FIRST)
            ) checked
            WHERE problem IS NOT NULL
            ORDER BY chain_seq NULLS FIRST
            LIMIT 1
            """
        )
        broken = cursor.fetchone()
        if broken:
            entry_id, seq, problem = broken
            return (seq if seq is not None else entry_id, problem)
        cursor.execute(
            """
            SELECT coalesce((SELECT last_seq FROM pga_auditchain_head WHERE id = 1), 0),
                   coalesce((SELECT last_hash FROM pga_auditchain_head WHERE id = 1), ''),
                   coalesce((SELECT max(chain_seq) FROM pga_auditentry), 0),
                   coalesce((SELECT entry_hash FROM pga_auditentry
                              ORDER BY chain_seq DESC LIMIT 1), '')
            """
        )
        last_seq, last_hash, max_seq, tail_hash = cursor.fetchone()
        if last_seq != max_seq or last_hash != tail_hash:
            return (max_seq + 1, "laatste regel(s) verwijderd")
    return None


# Which audit entries are about one person is the domain's to say: the app that holds
# persons registers how to find them (`signals.audit`), so that the core imports no domain app.
_person_matchers: list = []


def register_person_matcher(matcher) -> None:
    """`matcher(person_id)` gives a `Q` over `AuditEntry` for the entries about that person."""
    _person_matchers.append(matcher)


def entries_about_person(person_id):
    """The audit entries about a person, as the registered matchers find them; for the
    auditor's filter ("who accessed their data when")."""
    from django.db.models import Q

    match = Q(pk__in=[])
    for matcher in _person_matchers:
        match |= matcher(person_id)
    return AuditEntry.objects.filter(match)
