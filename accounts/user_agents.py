"""Naming a browser from its User-Agent header, for people reading their own sign-ins."""

from functools import lru_cache

from ua_parser import parse


@lru_cache(maxsize=1024)
def browser_label(user_agent: str) -> str:
    """ "Chrome 156 on Linux", "Mobile Safari 17 on iOS"; the raw header when it names no known browser."""
    if not user_agent:
        return "Unknown browser"
    result = parse(user_agent)
    if result.user_agent is None or result.user_agent.family == "Other":
        return user_agent[:80]
    browser = " ".join(part for part in (result.user_agent.family, result.user_agent.major) if part)
    if result.os is None or result.os.family == "Other":
        return browser
    return f"{browser} on {result.os.family}"
