"""The Django admin, for coalition admins (superusers) only; to anyone else it does not exist."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CoalitionAdminSite(admin.AdminSite):
    site_header = _("MIMAC coalition admin")
    site_title = _("MIMAC admin")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def refuse_members(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return guarded(request, *args, **kwargs)

        return update_wrapper(refuse_members, guarded)

    @login_not_required
    def login(self, request, extra_context=None):
        """Everyone signs in on the one sign-in page."""
        if self.has_permission(request):
            return redirect("admin:index")
        if request.user.is_authenticated:
            raise Http404
        # Imported here: this module loads with the app registry, before auth's models exist.
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME, reverse("admin:index")))


class CoalitionAdminConfig(AdminConfig):
    default_site = "mimac.admin_site.CoalitionAdminSite"
