"""A person's own data: their roles, the export of everything the portal holds about them, and
the deletion of their account (what goes, what stays without any link to them).

``USER_RELATIONS`` names every relation from a row to a person and where the export shows it;
a test fails when a model gains such a relation without an entry there.
"""

from hub.personal_data.common import USER_RELATIONS as USER_RELATIONS
from hub.personal_data.deletion import LAST_SUPERUSER as LAST_SUPERUSER
from hub.personal_data.deletion import DeletionPlan as DeletionPlan
from hub.personal_data.deletion import user_delete as user_delete
from hub.personal_data.deletion import user_delete_plan as user_delete_plan
from hub.personal_data.export import user_export_data as user_export_data
from hub.personal_data.roles import Roles as Roles
from hub.personal_data.roles import user_roles as user_roles
