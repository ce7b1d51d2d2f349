"""Every model in one import, for Alembic, the shell and the tests."""

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.exercises.models import Exercise
from practice.exports.models import RecordExport
from practice.homework.models import Assignment, Entry, PartnerLink
from practice.mail.models import OutboundEmail
from practice.measures.models import Measure, MeasureRequest, MeasureResponse, MeasureVersion
from practice.partner.models import PartnerAccess
from practice.passwords.models import PasswordReset
from practice.reminders.models import ReminderPlan, ReminderPreference, ReminderSettings
from practice.sessions.models import CounselingSession
from practice.settings.models import PracticeSettings

__all__ = [
    "Assignment",
    "Counselor",
    "CounselingSession",
    "Couple",
    "Entry",
    "Exercise",
    "OutboundEmail",
    "Measure",
    "MeasureRequest",
    "MeasureResponse",
    "MeasureVersion",
    "Partner",
    "PartnerAccess",
    "PartnerLink",
    "PasswordReset",
    "PracticeSettings",
    "RecordExport",
    "ReminderPlan",
    "ReminderPreference",
    "ReminderSettings",
]
