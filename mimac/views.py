import sys
from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from mimac import access, extensions, languages, photos, services, two_factor
from mimac.access import Action
from mimac.forms import (
    ChapterForm,
    Conflict,
    HubForm,
    InviteForm,
    PasswordChangeForm,
    SignInForm,
    TwoFactorCodeForm,
    VouchForm,
)
from mimac.middleware import PASSWORD_CHANGE_DUE
from mimac.models import (
    Hub,
    Membership,
    MembershipEvent,
    PasswordChangeDue,
    StaleEdit,
    TrailEvent,
    Trust,
    Vouch,
    VouchKind,
    record,
)


def edit_versioned(request, form, template, context, saved_message, next_url, *, after_save=None):
    """An edit page for a versioned object: save and go on, or show the errors, or both versions."""
    conflict = None
    if form.is_valid():
        try:
            saved = form.save()
        except StaleEdit as stale:
            conflict = Conflict(form, stale.current)
            form = conflict.form
        else:
            if after_save:
                after_save(saved)
            messages.success(request, saved_message)
            return redirect(next_url)
    return render(request, template, {**context, "form": form, "conflict": conflict})


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm

    def get_success_url(self):
        """Always the landing page (LOGIN_REDIRECT_URL), which follows `next` only to a page this person may
        open: on the shared laptop it is often the last person's page."""
        landing = resolve_url(settings.LOGIN_REDIRECT_URL)
        target = self.get_redirect_url()  # empty unless a URL of this site
        return f"{landing}?{urlencode({'next': target})}" if target else landing

    def form_valid(self, form):
        chosen = languages.chosen_before_sign_in(self.request)  # read before signing in starts a new session
        return languages.apply_at_sign_in(form.get_user(), chosen, super().form_valid(form))


# Sent on signing out: the browser drops this site's cache, cookies and storage, so nothing of the
# last volunteer stays on the shared laptop.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


@login_not_required
@never_cache
@require_safe
def signed_out(request):
    """Where an idle page goes: it ends the session rather than renewing it."""
    logout(request)
    response = render(request, "registration/signed_out.html", {})
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@login_not_required
@never_cache
def too_large(request):
    """Where nginx sends a request whose body is over its limit (as a GET, the body dropped): the page in the
    member's language instead of nginx's own. Says what the limit is, and nothing else."""
    limit = settings.PHOTO_MAX_BYTES // 1_000_000
    return render(request, "413.html", {"limit": limit}, status=413)


def server_error(request):
    """A 500, or a 503 that says so when the database is away (no database is used to say either)."""
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def locked_out(request, response=None, credentials=None):
    """What django-axes answers while an account is locked here: the same whether it exists or not."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """For the load balancer: 200 while this process can reach the database, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def chapter_members(request, code):
    chapter = access.get_chapter(request, code, Action.VIEW_MEMBERS)
    memberships = chapter.memberships.select_related("user").order_by("-active", "user__first_name")
    context = {
        "chapter": chapter,
        "memberships": memberships,
        "may_manage": access.may(request.user, chapter, Action.MANAGE_MEMBERS),
    }
    return render(request, "mimac/chapter_members.html", context)


def member_invite(request, code):
    chapter = access.get_chapter(request, code, Action.MANAGE_MEMBERS)
    form = InviteForm(request.POST or None)
    if form.is_valid():
        membership = services.invite_member(chapter=chapter, by=request.user, **form.cleaned_data)
        link = services.issue_password_link(membership=membership, by=request.user)
        return _password_link_page(request, membership, link)
    return render(request, "mimac/member_invite.html", {"chapter": chapter, "form": form})


@require_POST
def member_password_link(request, pk):
    membership = access.get_membership(request, pk, Action.MANAGE_MEMBERS)
    if membership.user.has_usable_password():
        # A coordinator may not take over an account that is already set up.
        raise PermissionDenied
    if not access.may_manage_account(request.user, membership):
        access.refuse(request.user, membership.chapter, f"password link for account #{membership.user_id}")
    link = services.issue_password_link(membership=membership, by=request.user)
    return _password_link_page(request, membership, link)


@require_POST
def member_password_reset(request, pk):
    """A temporary password for a member who forgot theirs, shown once, to hand over in person."""
    membership = access.get_membership(request, pk, Action.MANAGE_MEMBERS)
    if not membership.user.has_usable_password():
        raise PermissionDenied
    if not access.may_manage_account(request.user, membership):
        access.refuse(request.user, membership.chapter, f"password reset for account #{membership.user_id}")
    temporary = services.reset_password(membership=membership, by=request.user)
    context = {"membership": membership, "chapter": membership.chapter, "temporary": temporary}
    return render(request, "mimac/member_password_reset.html", context)


@never_cache
def two_factor_setup(request):
    """Pair an authenticator app: scan the code, type what it shows, print the recovery codes."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None or request.method == "GET":
        device = two_factor.start(request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.confirm(device, form.cleaned_data["code"])
        if codes is None:
            form.add_error(
                "code", _("That code does not match. Check the time on the phone, and type the newest code.")
            )
        else:
            otp_login(request, device)
            record(TrailEvent.Kind.PASSWORD, request.user, subject="paired an authenticator app")
            return render(request, "registration/two_factor_codes.html", {"codes": codes, "new": True})
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_code": two_factor.qr_code(device),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
def two_factor_verify(request):
    """The second step of signing in: a code from the app, or one of the printed recovery codes."""
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        device = two_factor.verify(request.user, form.cleaned_data["code"])
        if device is None:
            record(TrailEvent.Kind.SIGN_IN_FAILED, request.user, subject="second factor")
            form.add_error("code", _("That code is not right, or was used already."))
        else:
            otp_login(request, device)
            return redirect(_next_or_home(request))
    return render(request, "registration/two_factor_verify.html", {"form": form})


@never_cache
@require_POST
def two_factor_codes(request):
    """New recovery codes (the old ones stop working), to print."""
    if two_factor.app_device(request.user) is None:
        return redirect("two_factor_setup")
    codes = two_factor.new_recovery_codes(request.user)
    return render(request, "registration/two_factor_codes.html", {"codes": codes, "new": False})


def _next_or_home(request) -> str:
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if allowed else reverse("dashboard:home")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Any member changes their password here; one given a temporary password is sent here first."""

    template_name = "registration/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("dashboard:home")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs):
        user = self.request.user
        needed = two_factor.needs_two_factor(user)
        left = two_factor.recovery_codes_left(user) if needed else 0
        return super().get_context_data(**kwargs, needs_two_factor=needed, recovery_codes_left=left)

    def form_valid(self, form):
        response = super().form_valid(form)
        PasswordChangeDue.objects.filter(user=self.request.user).delete()
        self.request.session.pop(PASSWORD_CHANGE_DUE, None)
        record(TrailEvent.Kind.PASSWORD, self.request.user, subject="changed their own password")
        messages.success(self.request, _("Your new password is set."))
        return response


def _password_link_page(request, membership, link):
    context = {"membership": membership, "chapter": membership.chapter, "link": request.build_absolute_uri(link)}
    return render(request, "mimac/member_password_link.html", context)


def member_detail(request, pk):
    membership = access.get_member_page(request, pk)
    vouches = Prefetch("vouches", queryset=Vouch.objects.select_related("voucher"))
    membership = Membership.objects.prefetch_related(vouches).select_related("chapter", "user").get(pk=membership.pk)
    user, chapter = request.user, membership.chapter
    may_manage = access.may(user, chapter, Action.MANAGE_MEMBERS)
    context = {
        "membership": membership,
        "chapter": chapter,
        "trust_vouchers": membership.vouchers(VouchKind.TRUST),
        "coordinator_vouchers": membership.vouchers(VouchKind.COORDINATOR),
        "events": membership.events.select_related("actor"),
        "trust_refusal": membership.vouch_refusal(user, VouchKind.TRUST),
        "coordinator_refusal": membership.vouch_refusal(user, VouchKind.COORDINATOR),
        "shifts_left": membership.shifts_left() if membership.trust == Trust.OBSERVING else 0,
        "may_manage": may_manage,
        "may_manage_account": may_manage and access.may_manage_account(user, membership),
        "may_deactivate": may_manage and membership.active and access.may_end_membership(user, membership),
        "sections": extensions.sections(extensions.member_sections, request, membership),
    }
    return render(request, "mimac/member_detail.html", context)


def member_vouch(request, pk):
    """Vouch for an observing member: the page shows their track record, and the voucher ticks that they read it."""
    membership = access.get_membership(request, pk, Action.VOUCH)
    refusal = membership.vouch_refusal(request.user, VouchKind.TRUST)
    form = VouchForm(request.POST if request.method == "POST" else None)  # an unticked box sends nothing
    if request.method == "POST" and (refusal or form.is_valid()):
        return _vouch(request, membership, VouchKind.TRUST)
    context = {
        "membership": membership,
        "chapter": membership.chapter,
        "form": form,
        "refusal": refusal,
        "sections": [] if refusal else extensions.sections(extensions.vouch_sections, request, membership),
    }
    return render(request, "mimac/member_vouch.html", context)


@require_POST
def member_vouch_coordinator(request, pk):
    return _vouch(request, access.get_membership(request, pk, Action.VOUCH_COORDINATOR), VouchKind.COORDINATOR)


def _vouch(request, membership, kind):
    try:
        membership.vouch(by=request.user, kind=kind)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your vouch for %(name)s is recorded.") % {"name": membership.user.first_name})
    return redirect("member_detail", pk=membership.pk)


@require_POST
def member_deactivate(request, pk):
    membership = access.get_membership(request, pk, Action.MANAGE_MEMBERS)
    if not access.may_end_membership(request.user, membership):
        access.refuse(request.user, membership.chapter, f"deactivation of membership #{membership.pk}")
    if membership.active:
        membership.deactivate(by=request.user)
        messages.success(request, _("%(name)s can no longer sign in to this chapter.") % {"name": membership.user})
    return redirect("member_detail", pk=membership.pk)


def chapter_settings(request, code):
    chapter = access.get_chapter(request, code, Action.EDIT_CHAPTER)
    form = ChapterForm(request.POST or None, instance=chapter)
    return edit_versioned(
        request, form, "mimac/chapter_settings.html", {"chapter": chapter}, _("Chapter settings saved."), request.path
    )


def hub_list(request, code):
    chapter = access.get_chapter(request, code, Action.VIEW_CHAPTER)
    context = {
        "chapter": chapter,
        "hubs": chapter.hubs.all(),
        "may_edit": access.may(request.user, chapter, Action.EDIT_CHAPTER),
    }
    return render(request, "mimac/hub_list.html", context)


def hub_create(request, code):
    chapter = access.get_chapter(request, code, Action.EDIT_CHAPTER)
    form = HubForm(request.POST or None, instance=Hub(chapter=chapter))
    if form.is_valid():
        form.save()
        messages.success(request, _("Hub added."))
        return redirect("hub_list", code=chapter.code)
    return render(request, "mimac/hub_form.html", {"chapter": chapter, "form": form})


def hub_edit(request, pk):
    hub = access.get_hub(request, pk, Action.EDIT_CHAPTER)
    form = HubForm(request.POST or None, instance=hub)
    next_url = reverse("hub_list", args=[hub.chapter.code])
    return edit_versioned(request, form, "mimac/hub_form.html", {"chapter": hub.chapter}, _("Hub saved."), next_url)


def member_history(request, code):
    """Every change to the chapter's memberships: who did what to whom, and when."""
    chapter = access.get_chapter(request, code, Action.MANAGE_MEMBERS)
    events = MembershipEvent.objects.filter(membership__chapter=chapter).select_related("actor", "membership__user")
    return render(request, "mimac/member_history.html", {"chapter": chapter, "events": events[:500]})


def photo_file(request, pk):
    photo = access.get_photo(request, pk, Action.VIEW_CHAPTER)
    return photos.photo_response(photo.image)
