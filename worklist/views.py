"""The home page: a work list per role (issue 18). Thin: it asks the selectors what waits
for this user and records the read of the names it shows."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from pga.audit import record_access
from pga.authz import has_role, roles_of
from pga.models import ProcessingActivity, Role
from signals.models import Person
from worklist import selectors


@require_GET
def home(request):
    user = request.user
    context = {"roles": [Role(r).label for r in sorted(roles_of(user))]}
    if has_role(user, Role.MELDPUNT):
        context["my_registrations"] = selectors.my_registrations(user)
    if has_role(user, Role.MEMBER):
        waiting = selectors.waiting_for_my_weging(user)
        context["waiting_count"] = waiting.count()
        context["waiting"] = waiting[:selectors.LISTED]
        context["my_requests"] = selectors.requests_for_my_organisation(user)
    if has_role(user, Role.MEMBER, Role.COORDINATOR):
        context["next_session"] = selectors.next_session(user)
    if has_role(user, Role.COORDINATOR):
        context["not_ready"] = selectors.items_not_ready(user)
        context["overdue"] = selectors.overdue_requests(user)
        context["follow_ups"] = selectors.follow_ups_due(user)
        context["escalations"] = selectors.escalations_open(user)
        context["transfers_in"] = selectors.transfers_received(user)
        context["to_close"] = selectors.sessions_to_close(user)
    if has_role(user, Role.AUDITOR):
        outside = selectors.reads_outside_office_hours(user)
        context["outside_count"] = outside.count()
        context["outside"] = outside[:selectors.LISTED]
        context["exports"] = selectors.recent_exports(user)[:selectors.LISTED]
    context["is_admin"] = has_role(user, Role.ADMIN)
    if has_role(user, Role.MELDPUNT, Role.MEMBER):
        # The lists name persons: a read of personal data, logged without the names.
        record_access(user, model=Person, purpose=ProcessingActivity.INTAKE,
                      detail={"weergave": "werklijst"})
    return render(request, "worklist/home.html", context)
