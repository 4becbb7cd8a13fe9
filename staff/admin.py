"""The Django admin as staff and administrators use it: the domain's models registered
from here, the back office being a part people use (docs/conventions.md)."""

from staff import (  # noqa: F401 - registers
    admin_committees,
    admin_proposals,
    admin_reminders,
    admin_responses,
    admin_sms,
    admin_users,
)
