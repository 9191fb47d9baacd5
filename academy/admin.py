"""The administration site for accounts, organisations, profiles, roles and the audit trail.

Role grants and revocations, and officer profile changes, go through academy.services like
every other write, so the admin leaves the same audit trail as the rest of the portal.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from academy import services
from academy.models import AuditEvent, County, Membership, OfficerProfile, Organisation, User
from academy.reauthentication import reauthentication_required

# The officer profile fields, in the order the admin shows them.
PROFILE_FIELDS = (
    "personal_number",
    "organisation",
    "job_group",
    "designation",
    "duty_station",
    "national_id",
    "gender",
)


def _adopt(obj, saved) -> None:
    """Make the admin's unsaved ``obj`` stand for the row a service saved: the admin logs the
    addition and redirects using ``obj.pk``."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj._state.db = saved._state.db


# --- Users ---------------------------------------------------------------------------------


class AccountCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self):
        # allauth stores addresses in lower case; keep the admin from making a near-duplicate.
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email


class AccountChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipInlineForm(forms.ModelForm):
    """A granted role is revoked and granted anew, never edited: each change is one event."""

    class Meta:
        model = Membership
        fields = ("role", "organisation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for field in self.fields.values():
                field.disabled = True


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    form = MembershipInlineForm
    extra = 0
    autocomplete_fields = ["organisation"]
    readonly_fields = ["granted_by", "created_at"]
    verbose_name = _("role")
    verbose_name_plural = _("roles")


class OfficerProfileInline(admin.StackedInline):
    model = OfficerProfile
    fk_name = "user"
    fields = PROFILE_FIELDS
    autocomplete_fields = ["organisation"]
    can_delete = False
    extra = 0
    max_num = 1


class ReauthenticatedRoleChanges:
    """Granting or revoking a role (and, on accounts, the staff and superuser flags and the
    password) needs a recent re-authentication: the form, its POST and a deletion; a bulk
    deletion from the list (a POST) too. A stolen session alone can't hand out access."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        view = reauthentication_required(super().changeform_view)
        return view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return reauthentication_required(super().delete_view)(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        view = reauthentication_required(super().changelist_view, allow_get=True)
        return view(request, extra_context)


@admin.register(User)
class UserAdmin(ReauthenticatedRoleChanges, DjangoUserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("full_name", "preferred_language")}),
        (
            _("Access"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": _(
                    "Portal roles (training officer, KSG staff, facilitator, partner "
                    "reviewer) are granted under Roles below."
                ),
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    inlines = [OfficerProfileInline, MembershipInline]

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is taking over their account (and their roles).
        view = reauthentication_required(super().user_change_password)
        return view(request, id, form_url)

    def get_inlines(self, request, obj):
        # A new account gets its profile and roles once it exists.
        return self.inlines if obj is not None else []

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            self._save_memberships(request, form.instance, formset)
        elif formset.model is OfficerProfile:
            self._save_officer_profile(request, form.instance, formset)
        else:
            super().save_formset(request, form, formset, change)

    def _save_memberships(self, request, user, formset):
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.membership_revoke(membership=membership, by=request.user)
        for membership in formset.new_objects:
            saved = services.membership_grant(
                user=user,
                role=membership.role,
                organisation=membership.organisation,
                by=request.user,
            )
            _adopt(membership, saved)

    def _save_officer_profile(self, request, user, formset):
        formset.save(commit=False)
        for profile in formset.new_objects:
            saved = services.officer_profile_create(
                user=user, **{name: getattr(profile, name) for name in PROFILE_FIELDS}
            )
            _adopt(profile, saved)
        for profile, changed in formset.changed_objects:
            services.officer_profile_update(
                profile=profile,
                by=request.user,
                **{name: getattr(profile, name) for name in changed},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            _revoke_all(request, Membership.objects.filter(user=obj))
            obj.delete()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            _revoke_all(request, Membership.objects.filter(user__in=queryset))
            queryset.delete()


def _revoke_all(request, memberships) -> None:
    # Deleting an account takes its roles with it: each one is still a role change to audit.
    for membership in memberships.select_related("user"):
        services.membership_revoke(membership=membership, by=request.user)


# --- Organisations -------------------------------------------------------------------------


@admin.register(Organisation)
class OrganisationAdmin(TreeAdmin):
    form = movenodeform_factory(Organisation)
    list_display = ["name", "short_name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["county"]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    ordering = ["code"]
    search_fields = ["name"]


# --- Officer profiles and roles ------------------------------------------------------------


@admin.register(OfficerProfile)
class OfficerProfileAdmin(admin.ModelAdmin):
    list_display = [
        "personal_number",
        "officer_name",
        "organisation",
        "job_group",
        "duty_station",
    ]
    list_filter = ["job_group"]
    list_select_related = ["user", "organisation", "duty_station"]
    search_fields = ["personal_number", "user__email", "user__full_name"]
    autocomplete_fields = ["user", "organisation"]
    fields = ["user", *PROFILE_FIELDS, "created_at", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("name"), ordering="user__full_name")
    def officer_name(self, obj):
        return obj.user.get_full_name()

    def get_readonly_fields(self, request, obj=None):
        # A profile belongs to one account for good; move the person, not the profile.
        if obj is not None:
            return [*self.readonly_fields, "user"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            services.officer_profile_update(
                profile=obj,
                by=request.user,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        else:
            saved = services.officer_profile_create(
                user=obj.user, **{name: getattr(obj, name) for name in PROFILE_FIELDS}
            )
            _adopt(obj, saved)


@admin.register(Membership)
class MembershipAdmin(ReauthenticatedRoleChanges, admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "granted_by", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation", "granted_by"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    fields = ["user", "role", "organisation", "granted_by", "created_at"]
    readonly_fields = ["granted_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # A granted role is revoked and granted anew, never edited: each change is one event.
        if obj is not None:
            return [*self.fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only once granted
        saved = services.membership_grant(
            user=obj.user, role=obj.role, organisation=obj.organisation, by=request.user
        )
        _adopt(obj, saved)

    def delete_model(self, request, obj):
        services.membership_revoke(membership=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            _revoke_all(request, queryset)


# --- API tokens ----------------------------------------------------------------------------

# API tokens are issued by `manage.py api_token EMAIL`, which audits each one. DRF's own token
# admin would let tokens be made (and read) without that record, so it is not offered.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


# --- Audit trail ---------------------------------------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit events are written by services and never changed or removed."""

    list_display = ["created_at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action"]
    list_select_related = ["actor", "target_type"]
    search_fields = ["action", "actor__email", "target_id"]
    date_hierarchy = "created_at"
    fields = ["created_at", "action", "actor", "target_type", "target_id", "data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
