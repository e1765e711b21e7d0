"""Forms of the organisers' attendee pages: attendance on the day, a message to registrants."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.attendees import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, Recipients
from events.models import Registration

PRESENT = "present"
ABSENT = "absent"


class AttendanceForm(forms.Form):
    """One present / absent choice per confirmed registration (left empty: unchanged).

    The fields are those of the registrations given: a forged id has no field and is dropped.
    """

    def __init__(self, *args: Any, registrations: Iterable[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registrations = list(registrations)
        for registration in self.registrations:
            initial = None
            if registration.attended is not None:
                initial = PRESENT if registration.attended else ABSENT
            self.fields[self.field_name(registration)] = forms.ChoiceField(
                label=registration.user.get_full_name() or registration.user.email,
                choices=[(PRESENT, _("Présent·e")), (ABSENT, _("Absent·e"))],
                widget=forms.RadioSelect,
                required=False,
                initial=initial,
            )

    @staticmethod
    def field_name(registration: Registration) -> str:
        return f"presence-{registration.pk}"

    def rows(self) -> Iterator[tuple[Registration, forms.BoundField]]:
        for registration in self.registrations:
            yield registration, self[self.field_name(registration)]

    def marked_ids(self) -> tuple[list[int], list[int]]:
        """The ids ticked present and absent."""
        present, absent = [], []
        for registration in self.registrations:
            value = self.cleaned_data.get(self.field_name(registration))
            if value == PRESENT:
                present.append(registration.pk)
            elif value == ABSENT:
                absent.append(registration.pk)
        return present, absent


class EventMessageForm(forms.Form):
    # Drawn when the form is shown and posted back: the key of the emails in the outbox, so
    # that posting the same form twice sends nothing twice.
    message_id = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Le formulaire est incomplet : rechargez la page et recommencez."),
            "invalid": _("Le formulaire est incomplet : rechargez la page et recommencez."),
        },
    )
    recipients = forms.ChoiceField(
        label=_("Destinataires"),
        choices=[
            (Recipients.CONFIRMED, _("Les personnes inscrites (confirmées)")),
            (Recipients.WAITING, _("Les personnes en liste d'attente")),
            (Recipients.BOTH, _("Les deux")),
        ],
        initial=Recipients.CONFIRMED,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=_("Objet"), max_length=SUBJECT_MAX_LENGTH)
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "En texte simple. Le message rappelle le titre de l'événement et le lien vers sa "
            "page ; les réponses vous parviennent à votre adresse e-mail."
        ),
    )

    @staticmethod
    def new_initial() -> dict[str, Any]:
        return {"message_id": uuid.uuid4(), "recipients": Recipients.CONFIRMED}
