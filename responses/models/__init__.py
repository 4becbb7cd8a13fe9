# One module per area; import every model here so Django and callers find them.
from responses.models.calendar import CalendarDay  # noqa: E402, F401
from responses.models.core import *  # noqa: F403
from responses.models.core import (  # noqa: F401
    CLASSIFICATION_LABELS,
    OPEN_STATES,
    OPINION_ROLES,
    REPLYING_ROLES,
)
from responses.models.deadlines import (  # noqa: E402, F401
    SETTING_KINDS,
    DeadlineChange,
    DeadlineChangeKind,
    DeadlineRule,
)
from responses.models.officers import AgencyMembership  # noqa: E402, F401
from responses.models.redaction import (  # noqa: E402, F401
    PersonalDataFinding,
    PersonalDataKind,
    PublicCheck,
    RedactionDecision,
)
from responses.models.reminders import (  # noqa: E402, F401
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Notification,
    Reminder,
    ReminderKind,
    ReminderSettings,
    ReminderTarget,
)
from responses.models.sms import SmsMessage, SmsStatus  # noqa: E402, F401
