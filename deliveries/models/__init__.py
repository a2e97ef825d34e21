"""Deliveries' models, one module per subject; everything is imported from here (`from deliveries.models import
Route`): routes, stops and their ledger rows (routes.py), standing deliveries (standing.py), what
time away freed (absences.py)."""

from deliveries.models.absences import Release
from deliveries.models.routes import (
    DeliveryLine,
    HouseholdReport,
    PlannedItem,
    Route,
    RouteLoad,
    RouteQuerySet,
    Stop,
    StopTransfer,
)
from deliveries.models.standing import (
    DAYS_AHEAD,
    DeliveryArrangement,
    Pause,
    PlanningSettings,
    PlanNote,
    StandingRoute,
    StandingStop,
    StopRemoval,
    UsualItem,
)

__all__ = [
    "DAYS_AHEAD",
    "DeliveryArrangement",
    "DeliveryLine",
    "HouseholdReport",
    "Pause",
    "PlanNote",
    "PlannedItem",
    "PlanningSettings",
    "Release",
    "Route",
    "RouteLoad",
    "RouteQuerySet",
    "StandingRoute",
    "StandingStop",
    "Stop",
    "StopRemoval",
    "StopTransfer",
    "UsualItem",
]
