from celery import shared_task


@shared_task(acks_late=True)
def send_feedback(submission_pk: int, kind: str) -> bool:
    from referrals.services import send_feedback_mail

    return send_feedback_mail(submission_pk, kind)


@shared_task(acks_late=True)
def remove_unaccepted_submissions() -> int:
    from referrals.services import remove_unaccepted

    return remove_unaccepted()


@shared_task(acks_late=True)
def send_missing_feedback() -> int:
    """Periodic sweep (beat): messages to reporters whose task was lost."""
    from referrals.services import send_missing_feedback

    return send_missing_feedback()
