from mimac import access
from mimac.access import Action


def navigation(request):
    """Which sections the navigation offers: only those the user's roles may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    plans_routes = access.may_somewhere(user, Action.PLAN_ROUTES)
    return {
        "nav_suppliers": access.may_somewhere(user, Action.VIEW_SUPPLIERS),
        "nav_households": access.may_somewhere(user, Action.MANAGE_HOUSEHOLDS),
        "nav_routes": plans_routes,
        "nav_hub_desk": access.may_somewhere(user, Action.HUB_DESK),
        "nav_audit": access.may_somewhere(user, Action.VIEW_AUDIT),
        "nav_money": access.may_somewhere(user, Action.VIEW_MONEY),
        # A coordinator's menu is full: their home and the routes page lead to the cover board.
        "nav_cover": not plans_routes and access.may_somewhere(user, Action.VIEW_CHAPTER),
    }
