"""Run inside ``manage.py shell`` on the embedded default (SQLite) after ``seed_demo``: every demo role signs in as a
person does (password, then the demo authenticator app's code) and opens its main pages and the sections they load;
prints one line per page that did not answer 200. ``test_embedded_default`` runs it."""

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client

from accounts.management.seed_accounts import DEMO_TOTP_SECRET

PASSWORD = "demo-pass-2026"
STAFF_PAGES = [
    "/workspace/",
    "/workspace/home/lists/",
    "/workspace/cases/",
    "/workspace/participants/",
    "/workspace/patterns/",
    "/workspace/incidents/",
    "/workspace/metrics/",
    "/workspace/registration/",
    "/workspace/qualification/flights/",
    "/workspace/notices/",
    "/workspace/action-items/",
    "/workspace/meetings/",
    "/workspace/education/sessions/",
    "/workspace/education/kb/",
]
PORTAL_PAGES = [
    "/portal/",
    "/portal/cases/",
    "/portal/cases/deadlines/",
    "/portal/cases/new/dispute/",
    "/portal/cases/new/disputes-file/",
    "/portal/notices/",
    "/portal/qualification/",
    "/portal/registration/",
    "/portal/plan/",
    "/portal/education/",
]
PUBLIC_PAGES = ["/", "/notices/", "/education/", "/education/kb/", "/education/rules/", "/contact/"]
# A detail page each list leads to: the first link matching the pattern on the list.
FIRST_LINKS = [
    ("/workspace/cases/", r'href="(/workspace/cases/[A-Z]+-[^"/]+/)"'),
    ("/workspace/participants/", r'href="(/workspace/participants/\d+/)"'),
    ("/portal/cases/", r'href="(/portal/cases/[A-Z]+-[^"/]+/)"'),
]
ROLES = {
    "am.garcia@ercot.example": STAFF_PAGES,
    "lead@ercot.example": STAFF_PAGES,
    "servicedesk@ercot.example": ["/workspace/", "/workspace/cases/", "/workspace/incidents/"],
    "irene.kim@bluebonnetpower.example": PORTAL_PAGES,
}


def sign_in(client, email):
    client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    if email.endswith("@ercot.example"):
        cache.clear()  # a code signs in once: another role may have used this one
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
        client.post("/accounts/2fa/authenticate/", {"code": code})


def problems():
    found = []
    anonymous = Client(raise_request_exception=False)
    for path in PUBLIC_PAGES:
        if (status := anonymous.get(path).status_code) != 200:
            found.append(f"anonymous {path}: {status}")
    for email, pages in ROLES.items():
        client = Client(raise_request_exception=False)
        sign_in(client, email)
        for path in pages:
            response = client.get(path, HTTP_HX_REQUEST="true" if "home/lists" in path else None)
            if response.status_code != 200:
                found.append(f"{email} {path}: {response.status_code}")
                continue
            for listing, pattern in FIRST_LINKS:
                if path == listing and (match := re.search(pattern, response.content.decode())):
                    detail = match.group(1)
                    if (status := client.get(detail).status_code) != 200:
                        found.append(f"{email} {detail}: {status}")
                    if detail.startswith("/workspace/participants/"):
                        for section in ("registration", "qualification", "notices", "plan", "deadlines", "training"):
                            url = f"{detail}sections/{section}/"
                            if (status := client.get(url).status_code) != 200:
                                found.append(f"{email} {url}: {status}")
    return found


for line in problems():
    print("PROBLEM", line)
print("checked")
