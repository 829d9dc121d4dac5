"""Audit wiring: who acted, from where, for which purpose, and the record of reads.

Writes of registered models are logged by django-auditlog; reads of personal data are
logged here, explicitly, by `record_access`. Every entry carries the acting user, their
partner and the processing activity ("Logboek Dataverwerkingen"); see `pga.models.AuditEntry`.
"""

import contextlib
import contextvars

from auditlog.context import auditlog_value, set_actor
from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from pga.models import HOLDS_VALUES, AuditEntry, ProcessingActivity

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

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None

    def __call__(self, request):
        purpose_token = _purpose.set(None)
        actor_token = _actor.set(self._get_actor(request))
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


def record_access(user, obj=None, *, model=None, purpose=None, detail=None) -> AuditEntry:
    """Log a read of personal data (action ACCESS): a detail page, a download, an export,
    a search. `obj` is what was read; for reads of no single object (a search, an export)
    pass the `model` searched instead. `detail` must not hold personal data: it is kept as
    it is (name what was done, e.g. {"zoekopdracht": "persoonsnaam"}, never the query)."""
    model = model or type(obj)
    return AuditEntry.objects.create(
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




def query_fingerprint(text: str) -> str:
    """A keyed hash of a search query: the audit log can show that a given name was searched
    (the auditor hashes the name to compare) without spreading the name itself."""
    import hashlib
    import hmac

    normalised = " ".join(text.casefold().split())
    return hmac.new(settings.SECRET_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


SCRUBBED = "[verwijderd]"


def write_entries(rows) -> None:
    """Many audit entries in one `COPY`, each given as a dict of field values (attnames;
    a field left out takes its default, evaluated once for all): the chain trigger and the
    foreign-key checks run for each entry as for an INSERT. Django's bulk insert of
    thousands of entries (a purge batch) spent more time making model instances and
    building and parsing one statement with a value per column and entry than the database
    spent writing them."""
    from django.db import connection
    from django.db.models import JSONField

    rows = list(rows)
    if not rows:
        return
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    # Only JSON values need Django's adaptation; psycopg writes the others as they are.
    adapt = {f.attname: f for f in fields if isinstance(f, JSONField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {connection.ops.quote_name(AuditEntry._meta.db_table)} ({columns}) FROM STDIN"
    ) as copy:
        for row in rows:
            values = {**defaults, **row}
            for name, field in adapt.items():
                values[name] = field.get_db_prep_save(values[name], connection)
            copy.write_row([values[f.attname] for f in fields])


def scrub_personal_values(model, object_pks) -> int:
    """Retention (DESIGN.md §3 rule 8): remove the personal values from the audit entries of
    deleted objects, keeping who did what when — actor, partner, time, action, object type
    and id, purpose, and the *names* of the changed fields. The only sanctioned change to
    audit entries. Returns the number of entries scrubbed."""
    return scrub_personal_values_of({model: object_pks})


def scrub_personal_values_of(pks_by_model) -> int:
    """`scrub_personal_values` for the deleted objects of several models at once
    ({model: pks}), as the purge of a batch of signals needs: one UPDATE per model, each an
    index scan on (content_type_id, object_pk) (`audit_object_idx`). Entries that hold no
    values (most: the reads) are left as they are, not rewritten. Returns the number of
    entries scrubbed."""
    from django.db import connection, transaction

    targets = [(ContentType.objects.get_for_model(model).pk, [str(pk) for pk in pks])
               for model, pks in pks_by_model.items() if pks]
    if not targets:
        return 0
    # Only entries that hold values (`HOLDS_VALUES`): the reads are left as they are.
    values = AuditEntry.objects.filter(HOLDS_VALUES).query
    holds_values, holds_values_params = values.get_compiler(connection=connection).compile(
        values.where)
    scrubbed = 0
    with transaction.atomic(), connection.cursor() as cursor:
        # The append-only trigger lets these UPDATEs through, and only if every hashed
        # (non-personal) field stays as it was.
        cursor.execute("SELECT set_config('pga.audit_scrub', 'on', true)")
        for content_type_id, pks in targets:
            cursor.execute(
                f"""
                UPDATE pga_auditentry
                   SET changes = CASE WHEN changes IS NULL THEN NULL ELSE (
                           SELECT jsonb_object_agg(key, jsonb_build_array(%s, %s))
                             FROM jsonb_object_keys(changes::jsonb) AS key) END,
                       changes_text = '',
                       serialized_data = NULL,
                       additional_data = NULL
                 WHERE content_type_id = %s AND object_pk = ANY(%s) AND {holds_values}
                """,  # noqa: S608 - the condition compiled by the ORM, values as parameters
                [SCRUBBED, SCRUBBED, content_type_id, pks, *holds_values_params],
            )
            scrubbed += cursor.rowcount
        cursor.execute("SELECT set_config('pga.audit_scrub', 'off', true)")
    return scrubbed


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


def entries_about_person(person_id):
    """The audit entries about a person: the person row, their signals, and every object that
    belongs to one of those signals (attachments, contributions, assessments, votes' items,
    decisions …: any model with a `signal` foreign key). For the auditor's filter and the
    subject access export ("who accessed their data when")."""
    from django.apps import apps
    from django.db.models import Q

    person_model = apps.get_model("signals", "Person")
    signal_model = apps.get_model("signals", "Signal")
    signal_ids = list(
        signal_model.objects.filter(person_id=person_id).values_list("pk", flat=True)
    )
    match = Q(content_type=ContentType.objects.get_for_model(person_model),
              object_pk=str(person_id))
    match |= Q(content_type=ContentType.objects.get_for_model(signal_model),
               object_pk__in=[str(pk) for pk in signal_ids])
    for model in apps.get_models():
        field = next((f for f in model._meta.get_fields()
                      if f.name == "signal" and getattr(f, "related_model", None) is signal_model
                      and f.many_to_one), None)
        if field is None:
            continue
        pks = model.objects.filter(signal_id__in=signal_ids).values_list("pk", flat=True)
        match |= Q(content_type=ContentType.objects.get_for_model(model),
                   object_pk__in=[str(pk) for pk in pks])
    return AuditEntry.objects.filter(match)
