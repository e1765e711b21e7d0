"""Signals of the ground that any app may send or receive."""

from django.dispatch import Signal

# Sent (sender=the model class) by a service that writes rows in bulk (bulk_create, a queryset
# update): those send no post_save, yet what is derived from the rows (cached pages and map
# layers) must follow them. ``fields``, when given, names the only columns written (as
# post_save's ``update_fields``), so that a cache that shows none of them may stay as it is.
rows_changed = Signal()
