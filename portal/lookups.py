"""``in`` on integer columns leaves out the numbers no column can hold.

Django (since 5.0) answers "no row" for ``exact`` and the comparisons when a number is out of the
column's range, but ``in`` still sends it to the database, and SQLite refuses it
(``OverflowError: Python int too large to convert to SQLite INTEGER``): a made-up id in a form
with several choices, or in the admin's selection of rows, was a 500. Registered by
``PortalConfig.ready`` on ``IntegerField``, hence on every integer and auto field.
"""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            field_type = self.lhs.output_field.get_internal_type()
            try:
                low, high = connection.ops.integer_field_range(field_type)
            except KeyError:  # a type the backend gives no range for: left as it is
                return super().process_rhs(compiler, connection)
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]  # an empty list: Django's In answers "no row" without asking the database
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
