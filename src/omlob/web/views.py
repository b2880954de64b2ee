"""Pages outside one organisation: the front door, choosing an organisation, invitations,
and the status page of modules that are announced but not built yet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omlob.organisations import actions
from omlob.organisations.forms import AcceptInvitationForm
from omlob.organisations.models import Organisation
from omlob.organisations.roles import VIEW
from omlob.organisations.tenancy import SESSION_KEY, requires, tenant_for
from omlob.web.modules import MODULES_BY_KEY


def home(request: HttpRequest) -> HttpResponse:
    """Logged in: the last organisation used, or the only one, or the list; else the login."""
    if not request.user.is_authenticated:
        return redirect("login")
    organisations = Organisation.objects.for_user(request.user)
    last = request.session.get(SESSION_KEY)
    if last and organisations.filter(slug=last).exists():
        return redirect("org-dashboard", org=last)
    if organisations.count() == 1:
        return redirect("org-dashboard", org=organisations.get().slug)
    return redirect("organisation-list")


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.for_user(request.user)
    return render(request, "web/organisation_list.html", {"organisations": organisations})


@require_POST
@login_required
def switch_organisation(request: HttpRequest) -> HttpResponse:
    slug = request.POST.get("org", "")
    if tenant_for(request.user, slug) is None:
        raise Http404("Ukendt organisation")
    return redirect("org-dashboard", org=slug)


@requires(VIEW)
def module(request: HttpRequest, org: str, key: str) -> HttpResponse:
    module = MODULES_BY_KEY.get(key)
    if module is None or module.url_name is not None:
        raise Http404("Ukendt modul")
    return render(request, "web/module.html", {"module": module, "active_module": key})


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = actions.open_invitation(token)
    if invitation is None:
        return render(request, "web/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        if request.method == "POST":
            actions.accept_invitation(invitation=invitation, user=request.user)
            messages.success(
                request, _("Du har nu adgang til %(org)s.") % {"org": invitation.organisation.name}
            )
            return redirect("org-dashboard", org=invitation.organisation.slug)
        return render(request, "web/invitation_accept.html", {"invitation": invitation})
    if actions.existing_user_for(invitation) is not None:
        # the address has an account: its owner logs in, then accepts (never the link alone)
        return render(
            request, "web/invitation_accept.html", {"invitation": invitation, "login_first": True}
        )
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = actions.accept_invitation(
                invitation=invitation, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            user = membership.user
            user.first_name = form.cleaned_data["first_name"]
            user.last_name = form.cleaned_data["last_name"]
            user.save(update_fields=["first_name", "last_name"])
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Velkommen til Omløb."))
            return redirect("org-dashboard", org=invitation.organisation.slug)
    return render(request, "web/invitation_accept.html", {"invitation": invitation, "form": form})
