"""The toezichthouder (issue 20): a read-only role with no access to any personal data. The
permission matrix (`test_permission_matrix`) proves which pages answer the role at all; this
sweep reads every page that answers it with 200 and finds no personal data of either
weegploeg in it, and no page of the beheer screens."""

from django.urls import reverse

from pga.models import Role
from signals.models import Contribution, Person, Signal
from tests.security.conftest import SCOPES
from tests.security.test_permission_matrix import PATTERNS, POST_DATA, url_path


def personal_markers():
    """What only personal data contain: references, names, dates of birth, descriptions and
    contributions of every signal of both weegploegen."""
    markers = set(Signal.objects.values_list("reference", flat=True))
    markers |= {d[:40] for d in Signal.objects.values_list("description", flat=True)}
    markers |= {c[:40] for c in Contribution.objects.values_list("content", flat=True)}
    for surname, born in Person.objects.values_list("surname", "date_of_birth"):
        markers.add(surname)
        if born:
            markers.add(born.strftime("%d-%m-%Y"))
    return {m for m in markers if m and len(m) > 3}


def test_the_supervisor_reads_no_personal_data_on_any_page(world, as_user, rolled_back):
    markers = personal_markers()
    seen, leaks = [], []
    for scope in SCOPES:
        client = as_user(world.user(Role.SUPERVISOR, scope))
        for name, route, pattern in PATTERNS:
            if name in POST_DATA or name == "logout":
                continue
            path = url_path(world, name, route, pattern)
            with rolled_back():
                response = client.get(path)
                if response.status_code != 200:
                    continue
                body = (b"".join(response.streaming_content) if response.streaming
                        else response.content).decode(errors="replace")
            seen.append(path)
            leaks += [f"{path}: {m}" for m in markers if m in body]
    assert reverse("statistics:conformance") in seen
    assert not leaks, leaks
    assert not [path for path in seen if path.startswith("/beheer/")]
