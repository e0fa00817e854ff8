"""User accounts and roles in the admin, bounded by what the acting administrator holds.

An administrator manages accounts and roles, but grants nothing it does not hold itself: it cannot
make anyone (itself included) a superuser, give a user or a role a permission it lacks, put a user in
a role whose permissions it lacks, or change a superuser's account. Superusers are not bounded.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User


def _codes(permissions):
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions.select_related("content_type")}


def granted(permissions=None, groups=()):
    """Every permission ``permissions`` and ``groups`` give, as 'app_label.codename'."""
    codes = _codes(permissions) if permissions is not None else set()
    for group in groups or ():
        codes |= _codes(group.permissions.all())
    return codes


def _bounded(form_class, acting, *, permissions_field, groups_field=None):
    """``form_class``, refusing to grant what ``acting`` does not hold (what the record already had stays)."""

    class BoundedForm(form_class):
        def clean(self):
            cleaned = super().clean()
            if acting.is_superuser:
                return cleaned
            wanted = granted(cleaned.get(permissions_field), cleaned.get(groups_field) if groups_field else ())
            had = set()
            if self.instance.pk:
                had = granted(getattr(self.instance, permissions_field).all(),
                              getattr(self.instance, groups_field).all() if groups_field else ())
            beyond = wanted - had - acting.get_all_permissions()
            if beyond:
                raise forms.ValidationError(
                    f"You may grant only permissions you hold yourself; you do not hold: {', '.join(sorted(beyond))}.",
                    code="beyond_held",
                )
            return cleaned

    return BoundedForm


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, "is_superuser"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "user_permissions" not in form.base_fields:  # the add form: a username and a password
            return form
        return _bounded(form, request.user, permissions_field="user_permissions", groups_field="groups")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    def get_form(self, request, obj=None, **kwargs):
        return _bounded(super().get_form(request, obj, **kwargs), request.user, permissions_field="permissions")
