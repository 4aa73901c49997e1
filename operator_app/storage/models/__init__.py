"""All tables. Importing this package registers every model on Base.metadata."""

from operator_app.storage.models.calendar import (
    CalendarException,
    ClientPreferences,
    Office,
    Resource,
    Slot,
    Visit,
    WorkingHours,
)
from operator_app.storage.models.campaigns import (
    CallingHours,
    Campaign,
    CriteriaSet,
    Disposition,
    Script,
    ScriptVersion,
)
from operator_app.storage.models.contacts import Company, Consent, Contact, DoNotCall, Phone
from operator_app.storage.models.leads import (
    AuditEntry,
    CallAttempt,
    Handoff,
    ImportMapping,
    Lead,
    LeadList,
    ScriptAnswer,
    Task,
    Verification,
    VisitResult,
)
from operator_app.storage.models.messaging import ChannelSetting, MessageTemplate, OutgoingMessage
from operator_app.storage.models.people import User, UserStatusPeriod
from operator_app.storage.models.review import CallReview, KpiWeight, Plan

__all__ = [
    "AuditEntry",
    "CalendarException",
    "CallAttempt",
    "CallReview",
    "CallingHours",
    "Campaign",
    "ChannelSetting",
    "ClientPreferences",
    "Company",
    "Consent",
    "Contact",
    "CriteriaSet",
    "Disposition",
    "DoNotCall",
    "Handoff",
    "ImportMapping",
    "KpiWeight",
    "Lead",
    "LeadList",
    "MessageTemplate",
    "Office",
    "OutgoingMessage",
    "Phone",
    "Plan",
    "Resource",
    "Script",
    "ScriptAnswer",
    "ScriptVersion",
    "Slot",
    "Task",
    "User",
    "UserStatusPeriod",
    "Verification",
    "Visit",
    "VisitResult",
    "WorkingHours",
]
