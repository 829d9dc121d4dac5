"""Background work of the person's rights: building an inzage export, and the hourly sweep
that removes export files nobody needs any more. Idempotent and acknowledged late
(`pga.tasks.TASK_OPTIONS`)."""

from celery import shared_task

from pga.tasks import TASK_OPTIONS


@shared_task(**TASK_OPTIONS)
def build_subject_export_task(export_id):
    """Build the file of an inzage export (`rights.services.build_subject_export`)."""
    from rights.models import SubjectAccessExport
    from rights.services import build_subject_export

    export = SubjectAccessExport.objects.filter(pk=export_id).first()
    if export is None:
        return None
    return build_subject_export(export).status


@shared_task(**TASK_OPTIONS)
def remove_expired_subject_exports():
    """Beat, hourly: files of downloaded exports and of exports older than
    SUBJECT_EXPORT_KEEP_HOURS go."""
    from rights.services import remove_expired_subject_exports as remove

    return remove()
