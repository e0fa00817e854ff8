"""People of the curation team: an administrator gives each account one role (curator, editor or
administrator, apps/curation/roles.py); the role's permissions, and access to the admin, follow from it."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from .accounts import beyond_held, granted
from .roles import ROLES

ROLE_CHOICES = [("", "No role (cannot sign in to the admin)"),
                ("curator", "Curator: edits the records"),
                ("editor", "Editor: a curator who also publishes editions and snapshots, and imports in bulk"),
                ("administrator", "Administrator: an editor who also manages the team's accounts")]


def role_of(user):
    """The highest role a user holds, or ''."""
    names = {group.name for group in user.groups.all()} if user.pk else set()
    return next((name for name in reversed(list(ROLES)) if name in names), "")


@transaction.atomic
def assign_role(user, role, *, by):
    """Give ``user`` exactly one role: its group, and staff access (the admin) exactly when it has a role."""
    if not by.has_perm("auth.change_user"):
        raise PermissionDenied("Only an administrator gives roles.")
    if role and role not in ROLES:
        raise ValueError(f"No role {role!r}; the roles are {', '.join(ROLES)}.")
    if user.is_superuser and not by.is_superuser:
        raise PermissionDenied("Only a superuser changes a superuser's account.")
    beyond = beyond_held(by, granted(groups=Group.objects.filter(name=role))) if role else set()
    if beyond:
        raise PermissionDenied(f"You may give only a role whose permissions you hold; you do not hold: "
                               f"{', '.join(sorted(beyond))}.")
    user.groups.set(Group.objects.filter(name=role) if role else [])
    user.is_staff = bool(role) or user.is_superuser
    user.save(update_fields=["is_staff"])


class RoleField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ROLE_CHOICES, required=False, label="Role",
                         help_text="What this person may do. Access to the admin follows from the role.", **kwargs)


class PersonCreationForm(AdminUserCreationForm):
    role = RoleField(initial="curator")

    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", "email", "first_name", "last_name")


class PersonChangeForm(UserChangeForm):
    role = RoleField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = role_of(self.instance)


class PersonAdmin(UserAdmin):
    add_form = PersonCreationForm
    form = PersonChangeForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": (
        "username", "email", "first_name", "last_name", "role", "usable_password", "password1", "password2")}),)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Role", {"fields": ("role", "is_active")}),
        ("Dates", {"fields": ("last_login", "date_joined"), "classes": ("collapse",)}),
    )
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("groups", "is_active")
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="role")
    def role(self, user):
        return role_of(user) or "—"

    # Superuser status and single permissions are not on these forms at all: a person's rights are their role.
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "role" in form.cleaned_data and (not change or "role" in form.changed_data):
            assign_role(obj, form.cleaned_data["role"], by=request.user)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, PersonAdmin)
