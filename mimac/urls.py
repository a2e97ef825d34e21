from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from mimac import languages, views
from mimac.forms import SetPasswordForm

urlpatterns = [
    path("", include("dashboard.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("too-large/", views.too_large, name="too_large"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/signed-out/", views.signed_out, name="signed_out"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/codes/", views.two_factor_codes, name="two_factor_codes"),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_set.html",
            form_class=SetPasswordForm,
            success_url=reverse_lazy("password_set_done"),
        ),
        name="password_set",
    ),
    path(
        "accounts/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_set_done.html"),
        name="password_set_done",
    ),
    path("i18n/setlang/", languages.set_language, name="set_language"),
    path("chapters/<str:code>/members/", views.chapter_members, name="chapter_members"),
    path("chapters/<str:code>/members/invite/", views.member_invite, name="member_invite"),
    path("chapters/<str:code>/members/history/", views.member_history, name="member_history"),
    path("chapters/<str:code>/settings/", views.chapter_settings, name="chapter_settings"),
    path("chapters/<str:code>/hubs/", views.hub_list, name="hub_list"),
    path("chapters/<str:code>/hubs/new/", views.hub_create, name="hub_create"),
    path("hubs/<int:pk>/edit/", views.hub_edit, name="hub_edit"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/vouch/", views.member_vouch, name="member_vouch"),
    path("members/<int:pk>/vouch-coordinator/", views.member_vouch_coordinator, name="member_vouch_coordinator"),
    path("members/<int:pk>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("members/<int:pk>/password-link/", views.member_password_link, name="member_password_link"),
    path("members/<int:pk>/password-reset/", views.member_password_reset, name="member_password_reset"),
    path("photos/<int:pk>/", views.photo_file, name="photo_file"),
    path("ledger/", include("ledger.urls")),
    path("pickups/", include("pickups.urls")),
    path("recipients/", include("recipients.urls")),
    path("deliveries/hub/", include("hubdesk.urls")),  # the hub desk's own app, where people know it
    path("deliveries/", include("deliveries.urls")),
    path("money/", include("money.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "mimac.views.server_error"
