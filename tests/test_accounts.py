"""Accounts: an administrator grants nothing it does not hold; failed logins are limited per address."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from .html_forms import form_data
from .test_workflow_gate import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(django_user_model):
    return member_of(django_user_model, "the-administrator", "curator", "editor", "administrator")


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def user_form(client, user):
    return form_data(client.get(f"/admin/auth/user/{user.pk}/change/").content, "user_form")


def test_an_administrator_cannot_make_itself_superuser(administrator):
    client = client_of(administrator)
    form = user_form(client, administrator)
    form.update({"is_superuser": "on"})
    client.post(f"/admin/auth/user/{administrator.pk}/change/", form)
    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_an_administrator_cannot_grant_a_permission_it_does_not_hold(administrator, django_user_model):
    other = member_of(django_user_model, "someone", "curator")
    client = client_of(administrator)
    form = user_form(client, other)
    assert "user_permissions" not in form and "is_superuser" not in form  # a person's rights are their role
    delete_snapshot = Permission.objects.get(codename="delete_snapshot")
    form["user_permissions"] = [str(delete_snapshot.pk)]  # posted anyway, as a probe would
    assert client.post(f"/admin/auth/user/{other.pk}/change/", form).status_code == 302
    assert not User.objects.get(pk=other.pk).has_perm("reviews.delete_snapshot")


def test_a_role_is_given_only_by_someone_who_holds_its_permissions(django_user_model):
    manager = member_of(django_user_model, "account-manager", "curator")
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    other = member_of(django_user_model, "someone", "curator")
    client = client_of(User.objects.get(pk=manager.pk))
    form = user_form(client, other)
    form["role"] = "editor"
    response = client.post(f"/admin/auth/user/{other.pk}/change/", form)
    assert response.status_code == 403
    assert not User.objects.get(pk=other.pk).has_perm("reviews.publish_reviewedition")


def test_an_administrator_cannot_widen_a_role_beyond_its_own_permissions(administrator):
    client = client_of(administrator)
    role = Group.objects.get(name="administrator")
    form = form_data(client.get(f"/admin/auth/group/{role.pk}/change/").content, "group_form")
    form["permissions"] = [*form.get("permissions", []), str(Permission.objects.get(codename="delete_snapshot").pk)]
    response = client.post(f"/admin/auth/group/{role.pk}/change/", form)
    assert "you do not hold: reviews.delete_snapshot" in response.content.decode()
    assert not role.permissions.filter(codename="delete_snapshot").exists()


def test_an_administrator_still_gives_the_roles_it_holds(administrator, django_user_model):
    other = member_of(django_user_model, "new-editor", "curator")
    client = client_of(administrator)
    form = user_form(client, other)
    form["role"] = "editor"
    assert client.post(f"/admin/auth/user/{other.pk}/change/", form).status_code == 302
    assert User.objects.get(pk=other.pk).has_perm("reviews.publish_reviewedition")


def test_an_administrator_cannot_change_a_superusers_account(administrator, django_user_model):
    root = django_user_model.objects.create_superuser(username="root", password="correct horse battery")
    client = client_of(administrator)
    response = client.post(f"/admin/auth/user/{root.pk}/password/",
                           {"password1": "taken over 12345", "password2": "taken over 12345"})
    assert response.status_code == 403
    assert User.objects.get(pk=root.pk).check_password("correct horse battery")


def test_failed_logins_are_limited_per_address_across_usernames(django_user_model):
    for number in range(6):
        django_user_model.objects.create_user(username=f"user-{number}", password="correct horse battery",
                                              is_staff=True)
    client = Client(REMOTE_ADDR="203.0.113.50")
    for number in range(5):  # one wrong password for each of five usernames
        client.post("/admin/login/", {"username": f"user-{number}", "password": "wrong"})
    locked = client.post("/admin/login/", {"username": "user-5", "password": "correct horse battery"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert elsewhere.post("/admin/login/", {"username": "user-5", "password": "correct horse battery"}
                          ).status_code == 302
