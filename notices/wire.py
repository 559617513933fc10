"""Notice emails straight to the wire: a chunk serializes its message once and splices each recipient's parts in.

Every message of a notice on a list is the same but for its recipient's parts: the ``To``, ``Message-ID``,
``List-Unsubscribe``, ``In-Reply-To`` and ``References`` headers and the unsubscribe and preferences links in the
bodies. Building each one with :func:`notices.emails.build_message` and serializing it (MIME parts, header folding)
cost more than sending it. So a chunk builds the message once for a stand-in recipient, serializes it to bytes,
cuts out the stand-in's parts and, per recipient, joins the bytes around that recipient's parts: the headers folded
by the same policy Django's serializer uses, the links as they are. The result is the bytes ``build_message`` gives
for the recipient (but for the ``Date`` and the MIME boundary, made once per chunk, and the second the
preferences link's token was signed in), which the tests hold it to. The stand-in's links are made once and the
message built with them, and a template that would leave any part of the stand-in in a message is not used.

Splicing needs the bodies' bytes to be the text itself (7bit or 8bit): a body Django encodes (quoted-printable, for
a line over 998 bytes) or an address or link that does not fit (non-ASCII, characters HTML escapes) makes
:func:`wire_message` return ``None``, and the message is built the old way.
"""

from __future__ import annotations

import re
from email.policy import compat32

from django.conf import settings
from django.core.mail.message import sanitize_address
from django.utils.html import escape

from ercot_services.core.delivery import WireMessage

from .emails import build_message, preferences_url, recipient_headers, unsubscribe_url
from .models import Notice, NoticeDelivery

# The stand-in recipient the template is built for (``.invalid``: never a real address).
_STAND_IN_EMAIL = "ercot-wire-stand-in-3f9c1b7e@stand-in.invalid"
_STAND_IN_TOKEN = "ercotWireStandInToken0000000000000000a7"  # noqa: S105 - the stand-in's unsubscribe token
# The headers that differ per recipient, in the case Django writes them.
_RECIPIENT_HEADERS = ("To", "Message-ID", "List-Unsubscribe", "In-Reply-To", "References")
# Each link may be this much longer than the stand-in's without a body line passing SMTP's 998-byte limit.
_LINK_SLACK = 300
_LINE_LIMIT = 998
_HEADER_POLICY = compat32.clone(linesep="\r\n")
# An address sanitize_address() leaves as it is: a dot-atom local part at an ASCII host name.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


def wire_address(email: str) -> str:
    """The address as Django's SMTP backend writes it (``sanitize_address``), without its parser for plain ones."""
    if _PLAIN_ADDRESS.fullmatch(email):
        return email
    return sanitize_address(email, "utf-8")


class _Template:
    """The serialized message of one notice on one list, cut around the stand-in recipient's parts.

    ``pieces`` alternates bytes and slot names: a header name of :data:`_RECIPIENT_HEADERS`, ``"unsubscribe"`` or
    ``"preferences"``. ``usable`` is False when the message cannot be spliced (see the module docstring).
    """

    def __init__(self, notice: Notice, dl):
        stand_in = NoticeDelivery(notice=notice, distribution_list=dl, email=_STAND_IN_EMAIL, token=_STAND_IN_TOKEN)
        # The links are made once and the message built with them: the preferences token is signed with the current
        # second, so a second call could give another link, which the cut would miss, leaving the stand-in's link
        # in every recipient's message.
        preferences = preferences_url(stand_in.email)
        self.links = {"unsubscribe": unsubscribe_url(stand_in).encode(), "preferences": preferences.encode()}
        message = build_message(notice, stand_in, preferences=preferences)
        self.from_email = sanitize_address(message.from_email, message.encoding or settings.DEFAULT_CHARSET)
        data = message.message().as_bytes(linesep="\r\n")
        head, _, body = data.partition(b"\r\n\r\n")
        # Every header line keeps its own CRLF: what is left of the separator is the empty line before the body.
        self.pieces = self._cut_headers(head) + [b"\r\n"] + self._cut_links(body)
        self.usable = self._body_is_spliceable(head, body) and not self._stand_in_left(preferences)

    def _stand_in_left(self, preferences: str) -> bool:
        """Whether any of the stand-in's parts is left outside the slots (it must never reach a recipient)."""
        signed_email = preferences.rstrip("/").rsplit("/", 1)[-1].split(":", 1)[0]  # the token's signed value
        marks = [_STAND_IN_EMAIL.encode(), _STAND_IN_TOKEN.encode(), signed_email.encode()]
        return any(mark in piece for piece in self.pieces if isinstance(piece, bytes) for mark in marks)

    def _body_is_spliceable(self, head: bytes, body: bytes) -> bool:
        encodings = re.findall(rb"(?im)^Content-Transfer-Encoding: *(\S+)", head + b"\r\n" + body)
        if any(value.lower() not in (b"7bit", b"8bit") for value in encodings):
            return False
        for link in self.links.values():
            if escape(link.decode()).encode() != link:
                return False
        return all(
            len(line) + _LINK_SLACK * sum(line.count(link) for link in self.links.values()) <= _LINE_LIMIT
            for line in body.split(b"\r\n")
            if any(link in line for link in self.links.values())
        )

    @staticmethod
    def _cut_headers(head: bytes) -> list:
        """The header block with each recipient header (and its folded continuation lines) as a slot."""
        pieces: list = []
        for line in re.split(rb"\r\n(?![ \t])", head):
            name = line.split(b":", 1)[0].decode("ascii", "replace")
            if name in _RECIPIENT_HEADERS:
                pieces.append(name)
            else:
                pieces.append(line + b"\r\n")
        return pieces

    def _cut_links(self, body: bytes) -> list:
        links = {link: name for name, link in self.links.items()}
        pattern = re.compile(b"|".join(re.escape(link) for link in links))
        pieces: list = []
        position = 0
        for match in pattern.finditer(body):
            pieces += [body[position : match.start()], links[match.group(0)]]
            position = match.end()
        return pieces + [body[position:]]


def _template(notice: Notice, dl) -> _Template:
    """The template of ``notice`` on list ``dl``, made once per notice instance (a chunk shares one instance)."""
    cache = notice.__dict__.setdefault("_wire_templates", {})
    key = (dl.pk if dl is not None else None, notice.notice_id, notice.updated_at)
    if key not in cache:
        cache[key] = _Template(notice, dl)
    return cache[key]


def wire_message(delivery: NoticeDelivery) -> WireMessage | None:
    """``delivery``'s message as the bytes to send, or ``None`` when it has to be built whole (``build_message``)."""
    template = _template(delivery.notice, delivery.distribution_list)
    if not template.usable:
        return None
    address = wire_address(delivery.email)
    links = {"unsubscribe": unsubscribe_url(delivery), "preferences": preferences_url(delivery.email)}
    if not address.isascii() or any(
        escape(link) != link or not link.isascii() or len(link) > len(template.links[name]) + _LINK_SLACK
        for name, link in links.items()
    ):
        return None
    values = {"To": address, **recipient_headers(delivery.notice, delivery, links["unsubscribe"])}
    parts = []
    for piece in template.pieces:
        if isinstance(piece, bytes):
            parts.append(piece)
        elif piece in links:
            parts.append(links[piece].encode())
        elif piece in values:
            parts.append(_HEADER_POLICY.fold_binary(piece, values[piece]))
    return WireMessage(
        from_email=template.from_email,
        to=[address],
        data=b"".join(parts),
        message_id=delivery.message_id,
    )
