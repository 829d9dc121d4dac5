"""The floors of `make bench`: each measured page done the least expensive way — the same
rows fetched by ONE hand-written SQL query (authorisation included: the user's groups and the
permission, as the guardian direct-FK table holds them) and rendered by a minimal template.
What the rules require of the page is part of its floor: the query also writes the audit
entry of the read (every read of personal data is logged, docs/adr/0002), as a
data-modifying CTE, with the columns the page's entry has (the hash chain is the database
trigger's, as for every entry).

They are served through the same request pipeline as the pages (test client, middleware,
logged-in session with a verified second factor) by the bench's own URLconf
(`tests.bench.urls`, used only in the bench process), so that page / floor compares the pages'
own work. `bare_*` runs the query and the template without the pipeline, for reference.
"""

from django.db import connection
from django.http import HttpResponse
from django.template import engines

from signals.models import OPEN_STATUSES
from signals.services import normalise_name

PAGE_SIZE = 25

# The user holds `view_dossier` on the signal `s`: through a group or directly (the two
# guardian direct-FK tables), as `Signal.objects.visible_to` has it.
VISIBLE = """(s.id IN (SELECT g.content_object_id FROM signals_signalgroupobjectpermission g
                     JOIN auth_permission ap ON ap.id = g.permission_id
                    WHERE ap.codename = 'view_dossier'
                      AND g.group_id IN (SELECT group_id FROM pga_user_groups
                                          WHERE user_id = %(user)s))
           OR s.id IN (SELECT u.content_object_id FROM signals_signaluserobjectpermission u
                         JOIN auth_permission ap ON ap.id = u.permission_id
                        WHERE ap.codename = 'view_dossier' AND u.user_id = %(user)s))"""

# One pass over the visible open signals (materialised once), counted and paged from there;
# only the rows shown are joined to their person.
# The audit entry of a read (`pga.audit.record_access`): actor, their partner, purpose and
# the object or, for a list, the model read with what was shown.
AUDIT_INSERT = """
    INSERT INTO pga_auditentry (object_pk, object_id, object_repr, action, changes_text,
                                timestamp, additional_data, actor_id, actor_email, partner_id,
                                purpose, content_type_id, weegploeg_id, remote_addr,
                                prev_hash, entry_hash)
    SELECT {object_pk}, {object_id}, {object_repr}, 3, '', now(), {detail}, u.id, u.email,
           u.partner_id, 'signaalregistratie',
           (SELECT ct.id FROM django_content_type ct
             WHERE ct.app_label = 'signals' AND ct.model = {model}),
           {weegploeg}, '127.0.0.1', '', ''
      FROM pga_user u {where}
"""

QUEUE_SQL = """
WITH audit AS ({audit}), visible AS MATERIALIZED (
    SELECT s.id, s.received_on FROM signals_signal s
     WHERE s.status = ANY(%(statuses)s) AND {visible} {search}
), shown AS (
    SELECT id FROM visible ORDER BY received_on DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s
)
SELECT s.id, s.reference, s.acute_danger, s.is_repeat, p.first_names, p.surname_prefix,
       p.surname, p.label, s.received_on, s.phenomenon, s.source_category, s.status,
       (SELECT count(*) FROM visible) AS total
  FROM shown
  JOIN signals_signal s ON s.id = shown.id
  JOIN signals_person p ON p.id = s.person_id
 ORDER BY s.received_on DESC, s.id DESC
"""
SEARCH_SQL = """
   AND (upper(s.reference) = upper(%(q)s)
        OR s.person_id IN (SELECT p.id FROM signals_person p
                            WHERE p.normalised_name LIKE %(name)s
                               OR upper(p.label) LIKE upper(%(label)s)))
"""

QUEUE_TEMPLATE = engines["django"].from_string("""<!DOCTYPE html><html lang="nl"><body>
<table><caption>{{ total }} signalen</caption>
{% for r in rows %}<tr><td><a href="/signalen/{{ r.0 }}/">{{ r.1 }}</a>
{% if r.2 %} acuut{% endif %}{% if r.3 %} herhaald{% endif %}</td>
<td>{% if r.6 %}{{ r.4 }} {{ r.5 }} {{ r.6 }}{% else %}{{ r.7 }}{% endif %}</td>
<td>{{ r.8|date:"d-m-Y" }}</td><td>{{ r.9 }}</td><td>{{ r.10 }}</td><td>{{ r.11 }}</td>
</tr>{% endfor %}</table><p>pagina {{ page }}</p></body></html>""")


def queue_rows(user_id: int, page: int = 1, q: str = ""):
    params = {"statuses": list(OPEN_STATUSES), "user": user_id, "limit": PAGE_SIZE,
              "offset": (page - 1) * PAGE_SIZE}
    search = ""
    if q:
        search = SEARCH_SQL
        params.update(q=q.strip(), name=f"%{normalise_name(q)}%", label=f"%{q.strip()}%")
    with connection.cursor() as cursor:
        audit = AUDIT_INSERT.format(
            object_pk="''", object_id="NULL", object_repr="'personen'", model="'person'",
            weegploeg="NULL", where="WHERE u.id = %(user)s",
            detail="jsonb_build_object('weergave', 'wachtrij', 'pagina', %(page)s::int)"
            if not q else "'{\"zoekopdracht\": \"referentie of naam\"}'::jsonb")
        params["page"] = page
        cursor.execute(QUEUE_SQL.format(audit=audit, visible=VISIBLE, search=search), params)
        return cursor.fetchall()


def render_queue(user_id: int, page: int = 1, q: str = "") -> str:
    rows = queue_rows(user_id, page, q)
    return QUEUE_TEMPLATE.render({"rows": rows, "total": rows[0][-1] if rows else 0,
                                  "page": page})


# Everything the signal page shows, in one statement: the signal with its person and
# partners, the user's permissions on it, earlier signals, attachments, contributions,
# events, assessments with their judgements, agenda rounds, decisions, transfers and the
# retention rule.
SIGNAL_SQL = """
WITH mine AS (
    SELECT g.permission_id FROM signals_signalgroupobjectpermission g
     WHERE g.content_object_id = %(signal)s
       AND g.group_id IN (SELECT group_id FROM pga_user_groups WHERE user_id = %(user)s)
    UNION ALL
    SELECT u.permission_id FROM signals_signaluserobjectpermission u
     WHERE u.content_object_id = %(signal)s AND u.user_id = %(user)s
), audit AS ({audit})
SELECT s.id, s.reference, s.status, s.acute_danger, s.received_on, s.source_category,
       s.source_sector, s.reporter_name, s.reporter_organisation, s.phenomenon,
       s.behaviour_from, s.behaviour_to, s.description, s.withdrawal_reason,
       s.deletion_due, s.retention_started_on,
       p.first_names, p.surname_prefix, p.surname, p.label, p.date_of_birth, p.bsn,
       p.address, p.postcode, m.name AS municipality, w.name AS weegploeg,
       rp.name AS receiving_partner,
       (SELECT array_agg(ap.codename) FROM mine JOIN auth_permission ap
            ON ap.id = mine.permission_id) AS perms,
       (SELECT json_agg(json_build_object('id', e.id, 'reference', e.reference,
                                          'received_on', e.received_on, 'status', e.status)
                        ORDER BY e.received_on DESC)
          FROM signals_signal e
         WHERE e.person_id = s.person_id AND e.id <> s.id
           AND EXISTS (SELECT 1 FROM signals_signalgroupobjectpermission g
                         JOIN auth_permission ap ON ap.id = g.permission_id
                        WHERE g.content_object_id = e.id AND ap.codename = 'view_dossier'
                          AND g.group_id IN (SELECT group_id FROM pga_user_groups
                                              WHERE user_id = %(user)s)
                       UNION ALL
                       SELECT 1 FROM signals_signaluserobjectpermission u
                         JOIN auth_permission ap ON ap.id = u.permission_id
                        WHERE u.content_object_id = e.id AND ap.codename = 'view_dossier'
                          AND u.user_id = %(user)s)) AS earlier,
       (SELECT json_agg(json_build_object('id', a.id, 'name', a.original_name,
                                          'size', a.size))
          FROM signals_attachment a WHERE a.signal_id = s.id) AS attachments,
       (SELECT json_agg(json_build_object('partner', cp.name, 'date', c.information_date,
                                          'source', c.source, 'content', c.content,
                                          'visibility', c.visibility,
                                          'partner_id', c.partner_id) ORDER BY c.created_at)
          FROM signals_contribution c JOIN pga_partner cp ON cp.id = c.partner_id
         WHERE c.signal_id = s.id) AS contributions,
       (SELECT json_agg(json_build_object('at', ev.at, 'kind', ev.kind, 'note', ev.note,
                                          'actor', u.full_name, 'partner', ep.name)
                        ORDER BY ev.at, ev.id)
          FROM signals_signalevent ev LEFT JOIN pga_user u ON u.id = ev.actor_id
          LEFT JOIN pga_partner ep ON ep.id = ev.partner_id
         WHERE ev.signal_id = s.id) AS events,
       (SELECT json_agg(json_build_object(
                   'id', asm.id, 'kind', asm.kind, 'partner', ap2.name,
                   'author', au.full_name, 'created_at', asm.created_at,
                   'conclusion', asm.conclusion, 'visibility', asm.visibility,
                   'version', f.version,
                   'judgements', (SELECT json_agg(json_build_object(
                                         'number', cr.number, 'title', cr.title,
                                         'value', sv.label, 'substantiation', j.substantiation,
                                         'source', j.source, 'source_partner', jp.name)
                                         ORDER BY cr.number)
                                    FROM criteria_judgement j
                                    JOIN criteria_criterion cr ON cr.id = j.criterion_id
                                    JOIN criteria_scalevalue sv ON sv.id = j.scale_value_id
                                    LEFT JOIN pga_partner jp ON jp.id = j.source_partner_id
                                   WHERE j.assessment_id = asm.id)) ORDER BY asm.id DESC)
          FROM criteria_assessment asm JOIN criteria_framework f ON f.id = asm.framework_id
          JOIN pga_user au ON au.id = asm.author_id
          LEFT JOIN pga_partner ap2 ON ap2.id = asm.partner_id
         WHERE asm.signal_id = s.id) AS assessments,
       (SELECT json_agg(json_build_object('id', i.id, 'round', i.round, 'status', i.status,
                                          'when', se.starts_at) ORDER BY i.round)
          FROM weegploeg_agendaitem i JOIN weegploeg_session se ON se.id = i.session_id
         WHERE i.signal_id = s.id) AS rounds,
       (SELECT json_agg(json_build_object('id', d.id, 'outcome', d.outcome,
                                          'taken_at', d.taken_at) ORDER BY d.taken_at)
          FROM weegploeg_decision d
         WHERE d.signal_id = s.id
           AND NOT EXISTS (SELECT 1 FROM weegploeg_decision c WHERE c.corrects_id = d.id))
           AS decisions,
       (SELECT json_agg(json_build_object('at', t.transferred_at, 'reason', t.reason))
          FROM signals_transfer t WHERE t.signal_id = s.id) AS transfers,
       (SELECT r.legal_source FROM retention_retentionrule r
         WHERE r.basis = s.retention_basis) AS retention_rule
  FROM signals_signal s
  JOIN signals_person p ON p.id = s.person_id
  LEFT JOIN pga_partner m ON m.id = p.municipality_id
  JOIN pga_weegploeg w ON w.id = s.weegploeg_id
  JOIN pga_partner rp ON rp.id = s.receiving_partner_id
 WHERE s.id = %(signal)s
   AND EXISTS (SELECT 1 FROM mine JOIN auth_permission ap ON ap.id = mine.permission_id
                WHERE ap.codename = 'view_signal')
"""

SIGNAL_TEMPLATE = engines["django"].from_string("""<!DOCTYPE html><html lang="nl"><body>
<h1>Signaal {{ s.reference }} {{ s.status }}</h1>
<dl><dt>Naam</dt><dd>{{ s.first_names }} {{ s.surname_prefix }} {{ s.surname }} {{ s.label }}</dd>
<dt>Geboortedatum</dt><dd>{{ s.date_of_birth|date:"d-m-Y" }}</dd><dt>BSN</dt><dd>{{ s.bsn }}</dd>
<dt>Adres</dt><dd>{{ s.address }} {{ s.postcode }} {{ s.municipality }}</dd>
<dt>Weegploeg</dt><dd>{{ s.weegploeg }}</dd><dt>Ontvangen</dt>
<dd>{{ s.received_on|date:"d-m-Y" }} {{ s.receiving_partner }}</dd>
<dt>Bron</dt><dd>{{ s.source_category }} {{ s.source_sector }} {{ s.reporter_name }}</dd>
<dt>Fenomeen</dt><dd>{{ s.phenomenon }}</dd></dl>{{ s.description|linebreaks }}
<p>{% for p in s.perms %}{{ p }} {% endfor %}</p>
<ul>{% for e in s.earlier %}<li><a href="/signalen/{{ e.id }}/">{{ e.reference }}</a>
{{ e.received_on }} {{ e.status }}</li>{% endfor %}</ul>
<ul>{% for a in s.attachments %}<li>{{ a.name }} {{ a.size }}</li>{% endfor %}</ul>
{% for c in s.contributions %}<article><h3>{{ c.partner }} {{ c.date }}</h3>
{% if c.visibility == "own_partner" and c.partner_id != partner %}<p>afgeschermd</p>
{% else %}<p>{{ c.source }}</p>{{ c.content|linebreaks }}{% endif %}</article>{% endfor %}
{% for a in s.assessments %}<section><h3>{{ a.kind }} {{ a.partner }} {{ a.created_at }}
{{ a.author }} v{{ a.version }}</h3><ul>{% for j in a.judgements %}<li>{{ j.number }}.
{{ j.title }}: {{ j.value }} — {{ j.substantiation }} ({{ j.source }}, {{ j.source_partner }})
</li>{% endfor %}</ul>{{ a.conclusion|linebreaks }}</section>{% endfor %}
<ul>{% for r in s.rounds %}<li><a href="/agendapunten/{{ r.id }}/">{{ r.when }} {{ r.round }}</a>
{{ r.status }}</li>{% endfor %}</ul>
{% for d in s.decisions %}<p><a href="/besluiten/{{ d.id }}/">{{ d.taken_at }} {{ d.outcome }}</a>
</p>{% endfor %}
{% for t in s.transfers %}<p>{{ t.at }} {{ t.reason }}</p>{% endfor %}
<p>{{ s.retention_rule }} {{ s.retention_started_on|date:"d-m-Y" }}
{{ s.deletion_due|date:"d-m-Y" }}</p>
<ol>{% for e in s.events %}<li>{{ e.at }} {{ e.kind }} {{ e.actor }} {{ e.partner }}
{{ e.note }}</li>{% endfor %}</ol></body></html>""")


def signal_row(user_id: int, signal_id: int) -> dict | None:
    with connection.cursor() as cursor:
        audit = AUDIT_INSERT.format(
            object_pk="s.id::text", object_id="s.id", object_repr="s.reference",
            model="'signal'", weegploeg="s.weegploeg_id", detail="NULL",
            where="""JOIN signals_signal s ON s.id = %(signal)s
                     WHERE u.id = %(user)s AND EXISTS (
                        SELECT 1 FROM mine JOIN auth_permission ap
                            ON ap.id = mine.permission_id
                         WHERE ap.codename = 'view_signal')""")
        cursor.execute(SIGNAL_SQL.format(audit=audit), {"signal": signal_id, "user": user_id})
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c.name for c in cursor.description], row, strict=True))


def render_signal(user_id: int, partner_id: int, signal_id: int) -> str | None:
    row = signal_row(user_id, signal_id)
    if row is None:
        return None
    return SIGNAL_TEMPLATE.render({"s": row, "partner": partner_id})


# -- the floor views (bench URLconf only) ---------------------------------------------------


def queue_floor(request):
    page = int(request.GET.get("pagina") or 1)
    return HttpResponse(render_queue(request.user.pk, page, request.GET.get("q", "")))


def signal_floor(request, pk):
    html = render_signal(request.user.pk, request.user.partner_id, pk)
    return HttpResponse(html, status=200 if html is not None else 404)
