"""The functioneel beheerder's screens: a restricted admin site for partners, weegploegen
and users. Only the `admin` role enters it (with a verified second factor when required);
every change is audited by django-auditlog like any other write."""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.forms import SetPasswordMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pga.authz import has_role, roles_of
from pga.models import LegalGround, Partner, Role, User, Weegploeg
from pga.services import ensure_role_groups, set_roles


def is_installation_admin(user) -> bool:
    """The installatiebeheerder: runs the installation — partners, weegploegen, gemeenten
    and the first functioneel beheerder of each partner. A Django superuser, created with
    `manage.py createsuperuser` (README); no partner, no roles, no access to signals."""
    return bool(user.is_active and user.is_superuser)


def is_partner_admin(user) -> bool:
    """A functioneel beheerder: manages the users and roles of their own partner only."""
    return has_role(user, Role.ADMIN)


class BeheerSite(admin.AdminSite):
    """The beheer screens. Two kinds of users enter: the installatiebeheerder (everything
    here) and a partner's functioneel beheerder (the users of their own partner)."""

    site_header = _("Weegploeg — functioneel beheer")
    site_title = _("Functioneel beheer")
    index_title = _("Partners, weegploegen en gebruikers")
    enable_nav_sidebar = False

    def login(self, request, extra_context=None):
        """No second login form: visitors go to the one login (with its second factor and
        lockout); a logged-in user without the admin role is refused."""
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", reverse("beheer:index")))

    def admin_view(self, view, cacheable=False):
        """A logged-in user without the admin role gets 403, not a second login form."""
        wrapped = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return wrapped(request, *args, **kwargs)

        return guarded

    def has_permission(self, request):
        user = request.user
        if not (is_installation_admin(user) or is_partner_admin(user)):
            return False
        return not settings.TWO_FACTOR_REQUIRED or user.is_verified()


beheer_site = BeheerSite(name="beheer")


class BeheerModelAdmin(admin.ModelAdmin):
    def get_object(self, request, object_id, from_field=None):
        """Only through this admin's queryset; anything else is 404, not Django's redirect
        with "does not exist" (the same answer whether it exists or not). An empty
        `_to_field` in the query is no field: the primary key, not a 500."""
        obj = super().get_object(request, object_id, from_field or None)
        if obj is None:
            raise Http404
        return obj


class InstallationModelAdmin(BeheerModelAdmin):
    """Partners and weegploegen: the installatiebeheerder's only. A partner's functioneel
    beheerder gets 403 (the role may not take this kind of action)."""

    def has_module_permission(self, request):
        return is_installation_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_installation_admin(request.user)

    def has_add_permission(self, request):
        return is_installation_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_installation_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        # Partners, weegploegen and users carry history: deactivate, do not delete.
        return False

    def get_object(self, request, object_id, from_field=None):
        # An empty `?_to_field=` passes Django's check of the field (it is falsy) and then
        # names no field at all: read it as no field given, not as a server error.
        return super().get_object(request, object_id, from_field or None)


@admin.register(Partner, site=beheer_site)
class PartnerAdmin(InstallationModelAdmin):
    list_display = ["name", "kind", "code", "weegploeg"]
    list_filter = ["kind", "weegploeg"]
    search_fields = ["name", "code"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        ensure_role_groups(obj)


@admin.register(Weegploeg, site=beheer_site)
class WeegploegAdmin(InstallationModelAdmin):
    list_display = ["name", "code", "politie", "om"]
    search_fields = ["name", "code"]


class BeheerderModelAdmin(BeheerModelAdmin):
    """What every functioneel beheerder (and the installatiebeheerder) keeps: view, add and
    change; never delete, because what is kept here carries history."""

    def has_module_permission(self, request):
        return is_installation_admin(request.user) or is_partner_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalGround, site=beheer_site)
class LegalGroundAdmin(BeheerderModelAdmin):
    """The legal grounds for exchanging information (docs/design.md §3 rule 13): kept by the
    functioneel beheerder (and the installatiebeheerder). Never deleted — exchanges name
    them; a ground no longer in force is switched off."""

    list_display = ["name", "source", "in_force"]
    list_filter = ["in_force"]


class UserForm(SetPasswordMixin, forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Rollen"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De rollen bij de gekozen partner."),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Nieuw wachtwoord"), label2=_("Nieuw wachtwoord (nogmaals)")
    )

    class Meta:
        model = User
        fields = ["email", "full_name", "partner", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].required = self.instance.pk is None
        self.fields["password2"].required = self.instance.pk is None
        if self.instance.pk:
            self.fields["roles"].initial = sorted(roles_of(self.instance))

    def clean(self):
        data = super().clean()
        if data.get("password1") or data.get("password2") or self.instance.pk is None:
            self.validate_passwords()
            self.validate_password_for_user(self.instance)
        if data.get("roles") and not data.get("partner") and "partner" in self.fields:
            self.add_error("partner", _("Een gebruiker met rollen werkt voor een partner."))
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password1"):
            user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class PartnerUserForm(UserForm):
    """The form of a partner's functioneel beheerder: the partner is their own (not a
    choice), and the functioneel-beheerder role is not theirs to grant."""

    class Meta(UserForm.Meta):
        fields = ["email", "full_name", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r.value, r.label) for r in Role if r != Role.ADMIN]
        self.fields["roles"].help_text = _("De rollen bij uw organisatie.")


@admin.register(User, site=beheer_site)
class UserAdmin(BeheerderModelAdmin):
    """Users: the installatiebeheerder manages all of them (and makes the first functioneel
    beheerder of each partner); a partner's functioneel beheerder only those of their own
    partner — another partner's user does not exist for them (404)."""

    form = UserForm
    list_display = ["full_name", "email", "partner", "is_active", "role_list"]
    list_filter = ["is_active"]
    search_fields = ["full_name", "email"]
    list_select_related = ["partner"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "partner", "roles", "is_active"]}),
        (_("Wachtwoord"), {"fields": ["password1", "password2"]}),
    ]
    partner_fieldsets = [
        (None, {"fields": ["email", "full_name", "roles", "is_active"]}),
        (_("Wachtwoord"), {"fields": ["password1", "password2"]}),
    ]

    actions = ["unlock"]

    @admin.action(description=_("Blokkade na mislukte inlogpogingen opheffen"))
    def unlock(self, request, queryset):
        from axes.utils import reset

        for user in queryset:
            reset(username=user.email)
        self.message_user(request, _("De blokkades zijn opgeheven."))

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if is_installation_admin(request.user):
            return users
        return users.filter(partner_id=request.user.partner_id)


    def get_list_filter(self, request):
        return ["partner", "is_active"] if is_installation_admin(request.user) else ["is_active"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not is_installation_admin(request.user) and not self._is_self(request, obj):
            kwargs["form"] = PartnerUserForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Four eyes: a beheerder does not change their own partner, roles or access.
        return ["partner", "role_list", "is_active"] if self._is_self(request, obj) else []

    def get_fieldsets(self, request, obj=None):
        if self._is_self(request, obj):
            return [(None, {"fields": ["email", "full_name", "partner", "role_list",
                                       "is_active"]})]
        if is_installation_admin(request.user):
            return self.fieldsets
        return self.partner_fieldsets

    @staticmethod
    def _is_self(request, obj):
        return obj is not None and obj.pk == request.user.pk

    @admin.display(description=_("rollen"))
    def role_list(self, obj):
        return ", ".join(str(Role(r).label) for r in sorted(roles_of(obj)))

    def save_model(self, request, obj, form, change):
        if not is_installation_admin(request.user) and not change:
            obj.partner_id = request.user.partner_id
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if self._is_self(request, form.instance):
            return
        roles = set(form.cleaned_data.get("roles", []))
        if not is_installation_admin(request.user) and Role.ADMIN in roles_of(form.instance):
            # The role is not theirs to grant, nor to take away.
            roles.add(Role.ADMIN)
        set_roles(request.user, form.instance, roles)
