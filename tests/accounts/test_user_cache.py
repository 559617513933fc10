"""The signed-in user comes from a cached snapshot (accounts/user_cache.py), and no stale snapshot keeps a
deactivated, deleted or signed-out user signed in, or grants a permission taken away."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path

from accounts.models import User
from accounts.user_cache import TOMBSTONE, CachedUserBackend, _snapshot, user_cache_key

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def whoami(request):
    return HttpResponse(f"user {request.user.pk} {getattr(request.user, 'full_name', '')}", content_type="text/plain")


urlpatterns = [path("test/whoami/", whoami)]


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    settings.AUTH_USER_CACHE_SECONDS = 300  # the project's default; the test settings turn it off
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signed_in(client, staff_user):
    client.force_login(staff_user)
    return client


def _user_reads(client) -> tuple[bytes, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/test/whoami/")
    return response.content, sum('FROM "accounts_user"' in q["sql"] for q in queries.captured_queries)


def test_the_signed_in_user_is_read_from_the_database_once_then_from_the_cache(signed_in, staff_user):
    assert _user_reads(signed_in) == (f"user {staff_user.pk} {staff_user.full_name}".encode(), 1)
    assert _user_reads(signed_in) == (f"user {staff_user.pk} {staff_user.full_name}".encode(), 0)
    assert cache.get(user_cache_key(staff_user.pk))["email"] == staff_user.email


def test_a_change_to_the_user_is_seen_on_the_next_request(signed_in, staff_user):
    _user_reads(signed_in)
    staff_user.full_name = "Renamed Person"
    staff_user.save()
    assert _user_reads(signed_in) == (f"user {staff_user.pk} Renamed Person".encode(), 1)


def test_a_deactivated_user_is_signed_out_at_once(signed_in, staff_user):
    _user_reads(signed_in)
    staff_user.is_active = False
    staff_user.save()
    assert _user_reads(signed_in)[0] == b"user None "


def test_a_deactivation_by_queryset_update_signs_out_at_once(signed_in, staff_user):
    _user_reads(signed_in)
    User.objects.filter(pk=staff_user.pk).update(is_active=False)
    assert _user_reads(signed_in)[0] == b"user None "


def test_a_password_change_signs_the_other_sessions_out(signed_in, staff_user):
    _user_reads(signed_in)
    staff_user.set_password("a-new-long-password-42")
    staff_user.save()
    assert _user_reads(signed_in)[0] == b"user None "


def test_a_deleted_user_is_signed_out(signed_in, staff_user):
    _user_reads(signed_in)
    staff_user.delete()
    assert _user_reads(signed_in)[0] == b"user None "


def test_a_request_that_read_the_old_row_cannot_cache_it_after_the_write(signed_in, staff_user):
    _user_reads(signed_in)
    old_row = User.objects.get(pk=staff_user.pk)
    staff_user.is_active = False
    staff_user.save()
    # What a concurrent request that read the row just before the write would do next: it is refused.
    assert cache.add(user_cache_key(staff_user.pk), _snapshot(old_row), 300) is False
    assert cache.get(user_cache_key(staff_user.pk)) == TOMBSTONE
    assert _user_reads(signed_in)[0] == b"user None "


def test_the_write_replaces_the_snapshot_again_when_it_commits(
    staff_user, django_capture_on_commit_callbacks, django_db_blocker
):
    backend = CachedUserBackend()
    with django_capture_on_commit_callbacks(execute=True):
        staff_user.is_active = False
        staff_user.save()
        # Between the write and its commit another process caches the row it can still see.
        cache.set(user_cache_key(staff_user.pk), _snapshot(User(pk=staff_user.pk, email="x@example.com")), 300)
    assert cache.get(user_cache_key(staff_user.pk)) == TOMBSTONE
    assert backend.get_user(staff_user.pk) is None


def test_a_removed_group_takes_its_permissions_away_at_once(staff_user):
    backend = CachedUserBackend()
    assert not backend.get_user(staff_user.pk).has_perm("auth.delete_group")
    group = Group.objects.create(name="Temporary group admins")
    group.permissions.add(Permission.objects.get(codename="delete_group"))
    staff_user.groups.add(group)
    cache.delete(user_cache_key(staff_user.pk))  # the tombstone the user's creation left
    backend.get_user(staff_user.pk)  # caches the snapshot
    assert isinstance(cache.get(user_cache_key(staff_user.pk)), dict)
    assert backend.get_user(staff_user.pk).has_perm("auth.delete_group")
    staff_user.groups.remove(group)
    assert isinstance(cache.get(user_cache_key(staff_user.pk)), dict)  # the snapshot stays: it holds no groups
    assert not backend.get_user(staff_user.pk).has_perm("auth.delete_group")


def test_a_cache_that_is_down_leaves_the_user_to_the_database(signed_in, staff_user, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "add", unreachable)
    assert _user_reads(signed_in) == (f"user {staff_user.pk} {staff_user.full_name}".encode(), 1)
    User.objects.filter(pk=staff_user.pk).update(is_active=False)
    assert _user_reads(signed_in)[0] == b"user None "


def test_no_snapshot_when_the_cache_is_turned_off(signed_in, staff_user, settings):
    settings.AUTH_USER_CACHE_SECONDS = 0
    _user_reads(signed_in)
    assert _user_reads(signed_in)[1] == 1
    assert cache.get(user_cache_key(staff_user.pk)) is None


def test_signing_in_does_not_keep_the_user_out_of_the_cache(client, staff_user):
    client.force_login(staff_user)  # saves last_login only: deletes the snapshot, no tombstone
    assert cache.get(user_cache_key(staff_user.pk)) is None
    _user_reads(client)
    assert _user_reads(client)[1] == 0
