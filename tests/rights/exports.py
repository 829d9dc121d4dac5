"""Asking for an inzage export through the pages and downloading it, as a user does: the
request, the background build (run when the request's transaction commits) and the
download."""

from django.urls import reverse

from rights.models import SubjectAccessExport


def ask_for_export(client, person_pk, export_format, capture, *, melder=False):
    """POST the export request, running the background build; the response (a redirect to
    the export's page when it was accepted)."""
    data = {"export_format": export_format, **({"melder": "on"} if melder else {})}
    with capture(execute=True):
        return client.post(reverse("rights:subject_export", args=[person_pk]), data)


def download(client, export: SubjectAccessExport, capture):
    """GET the export's file, running what its commit schedules (the file's removal)."""
    with capture(execute=True):
        return client.get(reverse("rights:subject_export_download",
                                  args=[export.person_id, export.pk]))


def export_and_download(client, person_pk, export_format, capture, *, melder=False):
    """The downloaded file's response, or the refused request's response (e.g. 404)."""
    response = ask_for_export(client, person_pk, export_format, capture, melder=melder)
    if response.status_code != 302 or "/inzage/" not in response["Location"]:
        return response
    return download(client, SubjectAccessExport.objects.latest("pk"), capture)
