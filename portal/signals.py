"""Signals of the ground that any app may send or receive."""

from django.dispatch import Signal

# Sent (sender=the model class) by a service that writes rows in bulk (bulk_create, a queryset
# update): those send no post_save, yet what is derived from the rows (cached map layers) must
# follow them.
rows_changed = Signal()
