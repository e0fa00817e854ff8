"""What an administrator may grant: nothing it does not hold itself.

It cannot make anyone (itself included) a superuser, give a role a permission it lacks, put a user in
a role whose permissions it lacks, or change a superuser's account (apps/curation/people.py gives the
roles). Superusers are not bounded.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group


def _codes(permissions):
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions.select_related("content_type")}


def granted(permissions=None, groups=()):
    """Every permission ``permissions`` and ``groups`` give, as 'app_label.codename'."""
    codes = _codes(permissions) if permissions is not None else set()
    for group in groups or ():
        codes |= _codes(group.permissions.all())
    return codes


def beyond_held(acting, permissions):
    """The permissions of ``permissions`` that ``acting`` may not grant, because it does not hold them."""
    return set() if acting.is_superuser else set(permissions) - acting.get_all_permissions()


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


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    def get_form(self, request, obj=None, **kwargs):
        return _bounded(super().get_form(request, obj, **kwargs), request.user, permissions_field="permissions")
