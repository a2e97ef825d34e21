"""The core's models, one module per subject; everything is imported from here (`from mimac.models import Hub`)."""

from mimac.models.absences import MAX_ABSENCE_DAYS, Absence, AbsenceQuerySet
from mimac.models.chapters import (
    PLANNING_DAYS,
    Chapter,
    ClosureDay,
    Hub,
    StaleEdit,
    Versioned,
    changed_since_loaded,
    validate_time_zone,
)
from mimac.models.goods import MAX_LINE_QUANTITY, Category, Photo, Unit
from mimac.models.operations import JobRun
from mimac.models.people import (
    VOUCHES_NEEDED,
    LanguagePreference,
    Membership,
    MembershipEvent,
    MembershipQuerySet,
    PasswordChangeDue,
    Role,
    Trust,
    Vouch,
    VouchKind,
)
from mimac.models.security import TrailEvent, record

__all__ = [
    "MAX_ABSENCE_DAYS",
    "MAX_LINE_QUANTITY",
    "PLANNING_DAYS",
    "VOUCHES_NEEDED",
    "Absence",
    "AbsenceQuerySet",
    "Category",
    "Chapter",
    "ClosureDay",
    "Hub",
    "JobRun",
    "LanguagePreference",
    "Membership",
    "MembershipEvent",
    "MembershipQuerySet",
    "PasswordChangeDue",
    "Photo",
    "Role",
    "StaleEdit",
    "TrailEvent",
    "Trust",
    "Unit",
    "Versioned",
    "Vouch",
    "VouchKind",
    "changed_since_loaded",
    "record",
    "validate_time_zone",
]
