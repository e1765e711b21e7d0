"""The outbox as the sender leaves it: deferred event emails are built when they are sent."""

from portal.mail import email_send_queued
from portal.models import OutgoingEmail


def send_outbox() -> int:
    """Send (to the test backend) what the outbox holds, building each deferred message from
    the rows as they are now, as the sender would; returns how many were sent."""
    return email_send_queued(limit=100_000)


def built_emails(**filters: object):
    """The messages matching ``filters`` once sent, without those found obsolete (dropped)."""
    send_outbox()
    return OutgoingEmail.objects.filter(**filters).exclude(status=OutgoingEmail.Status.DROPPED)
