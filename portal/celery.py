"""Celery application: Redis as broker with REDIS_URL, else kombu's filesystem transport (the
embedded default, `make run`); the test settings run tasks in-process."""

import os
from contextlib import suppress
from pathlib import Path

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The filesystem transport expects its folders to exist.
if str(app.conf.broker_url).startswith("filesystem"):
    for option in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = (app.conf.broker_transport_options or {}).get(option)
        if folder:
            with suppress(OSError):  # unwritable: the first .delay() says so
                Path(folder).mkdir(parents=True, exist_ok=True)

# All periodic schedules sit here, each with when and why it runs.
app.conf.beat_schedule = {
    # Every minute: send what the outbox holds when the wake-up after commit was lost (broker
    # down or hung at that moment) or a send failed and may be retried.
    "send-queued-emails": {"task": "portal.tasks.send_queued_emails", "schedule": 60.0},
    # Every 5 minutes: the cache then tells ops when beat and a worker last ran a task.
    "heartbeat": {"task": "portal.tasks.heartbeat", "schedule": 300.0},
    # Every 15 minutes: queue the event reminders that have come due (two days before, or
    # whatever the event says, and at 08:00 Brussels time on the day). A query finds what is due
    # and the outbox keys make a second run a no-op; never day-ahead tasks with eta (Redis
    # redelivers them, and a moved event would keep its old time).
    "send-due-reminders": {"task": "events.tasks.send_due_reminders", "schedule": 900.0},
    # Hourly: tell the leaders of open needs about facilitators and offers that came to fit
    # them (an admin edit of a facilitator's categories or provinces has no hook of its own).
    # Each (need, match) email has an outbox key, so a second run queues nothing.
    "notify-need-matches": {"task": "expertises.tasks.notify_need_matches", "schedule": 3600.0},
    # Every minute: start again the sending of a newsletter issue whose task was lost (worker
    # killed mid-way, broker down when staff pressed "Envoyer"); an issue whose task is alive
    # (a batch in the last two minutes) is left alone, and deliveries make a rerun skip who
    # already has the issue.
    "resume-newsletter-sending": {
        "task": "newsletter.tasks.resume_sending",
        "schedule": 60.0,
    },
    # Daily: blank the content of messages sent more than 30 days ago (the rows stay as the
    # record of what was sent); a newsletter issue alone writes thousands of them.
    "purge-sent-email-content": {
        "task": "portal.tasks.purge_sent_email_content",
        "schedule": 86400.0,
    },
    # Hourly: delete the import files staff previewed and never confirmed (portal.ImportUpload,
    # refused past IMPORT_UPLOAD_MAX_AGE anyway; the sender's next upload deletes theirs too).
    "purge-import-uploads": {"task": "portal.tasks.purge_import_uploads", "schedule": 3600.0},
    # Daily: blank the remarks of registrations (diet, accessibility: health data) 30 days after
    # their event ended, as the privacy page promises (events.retention). Once a day is enough
    # for a limit counted in days; a run that was missed is caught up by the next one.
    "erase-past-registration-remarks": {
        "task": "events.tasks.erase_past_registration_remarks",
        "schedule": 86400.0,
    },
}


# The worker builds and sends the messages the web queues (a registration's confirmation, its
# invitation): background work, at a lower CPU priority than the web workers, so that on a
# shared host a rush of requests is answered first and the messages follow (200 people
# registering at once queue 200 messages; building them took as much CPU as answering them).
# CELERY_WORKER_NICENESS=0 keeps the priority as it is. In containers (each its own cgroup),
# docker-compose.yml gives the worker a lower CPU weight for the same reason.
WORKER_NICENESS = int(os.environ.get("CELERY_WORKER_NICENESS", "10"))


@worker_init.connect
def _lower_priority(**kwargs: object) -> None:
    if WORKER_NICENESS > 0:
        with suppress(OSError):  # not permitted: run at the priority given
            os.nice(WORKER_NICENESS)
