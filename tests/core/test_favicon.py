"""The site's icon: every page links it, and /favicon.ico (asked for by browsers regardless) finds it."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse


def test_favicon_ico_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("favicon.ico")


def test_the_icon_is_an_ico_file_served_from_static():
    path = finders.find("favicon.ico")

    assert path and path.startswith(str(settings.BASE_DIR / "static"))
    with open(path, "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # the ICO header: reserved 0, type 1 (icon)


def test_every_page_links_the_icon(client):
    html = client.get(reverse("contact")).content.decode()

    assert f'<link rel="icon" href="{static("favicon.ico")}"' in html
