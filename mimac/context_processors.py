from mimac import access
from mimac.access import Action


def navigation(request):
    """Which sections the navigation offers: only those the user's roles may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_suppliers": access.may_somewhere(user, Action.VIEW_SUPPLIERS),
        "nav_households": access.may_somewhere(user, Action.MANAGE_HOUSEHOLDS),
        "nav_routes": access.may_somewhere(user, Action.PLAN_ROUTES),
        "nav_hub_desk": access.may_somewhere(user, Action.HUB_DESK),
        "nav_audit": access.may_somewhere(user, Action.VIEW_AUDIT),
        "nav_money": access.may_somewhere(user, Action.VIEW_MONEY),
        "nav_cover": access.may_somewhere(user, Action.VIEW_CHAPTER),
    }
