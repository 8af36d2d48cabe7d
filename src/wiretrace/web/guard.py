"""What every request passes before the app sees it: the Host and Origin checks, the body
limit and the security headers (:class:`Guard`, pure ASGI middleware).

The origin policy, and why:

* **Host.** Every request must name a host this server answers to: the address it is
  bound to (any IP address when bound to ``0.0.0.0`` or ``::``), ``localhost``,
  ``127.0.0.1``, ``[::1]``, and the names given with ``--allow-host`` (a reverse proxy's
  public name). A port in ``Host`` must be the bound port, except for ``--allow-host``
  names. This stops DNS rebinding: a page on ``evil.example`` whose name is re-pointed at
  127.0.0.1 reaches the socket, but its requests say ``Host: evil.example``.
* **Origin.** A request that is not ``GET``, ``HEAD`` or ``OPTIONS`` is refused when its
  ``Origin`` (or, without one, its ``Referer``) is not the server's own origin: the same
  host and port as the ``Host`` it was sent to, or an ``--allow-host`` name; ``Origin:
  null`` is refused too, and so is ``Sec-Fetch-Site: cross-site`` or ``same-site``. That
  covers every write (``/api/ingest``), and also the trace and inspect posts, which only
  read the store but cost seconds of CPU each: a page elsewhere must not spend them.
  Without ``Origin`` and ``Referer`` a request is not from a browser page (browsers send
  ``Origin`` with every cross-origin post), so curl, scripts and the documented API keep
  working with no header to add. A refusal is a 403 that says what was refused.

* **Fetch metadata.** A browser that says a ``GET`` comes from another site's page
  (``Sec-Fetch-Site: cross-site`` or ``same-site``) gets it only as a top-level
  navigation (a link followed): ``<img src=".../trace/ID">`` or a ``no-cors`` fetch on
  another page is refused, so such a page cannot make the server trace or build stories
  for it. Links to the app from elsewhere keep working, and clients that send no fetch
  metadata (curl, scripts, older browsers) are not affected.

Other reads (``GET``) pass the Host check only: a cross-site page cannot read their
answers (no CORS).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # the CLI checks --allow-host with split_host, the web extra or not
    from starlette.responses import Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# "same-origin", not "no-referrer": with no-referrer a browser sends "Origin: null" on the
# app's own form posts, which the origin check must refuse. Links elsewhere still get no
# Referer.
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD = frozenset({"", "0.0.0.0", "::"})
_DEFAULT_PORT = {"http": 80, "https": 443}

Refuse = Callable[[Scope, int, str], "Response"]


def split_host(value: str) -> tuple[str, int | None] | None:
    """``Host`` header to (lower-case name, port or None); None when malformed.
    ``[::1]:8000`` gives ``("::1", 8000)``."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[1:end], value[end + 1:]
    elif value.count(":") > 1:
        return None  # an IPv6 address must be bracketed
    else:
        name, colon, port = value.partition(":")
        rest = colon + port
    if rest and (not rest.startswith(":") or not rest[1:].isdigit()):
        return None
    if not name or any(c.isspace() or c in "/\\@?#" for c in name):
        return None
    return name, int(rest[1:]) if rest else None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    """Is ``host`` (as given to ``--host``) reachable only from this machine?"""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class HostPolicy:
    """The hosts this server answers to, and the origins that may post to it.

    ``host`` and ``port`` are what the server is bound to (None when unknown, as for an app
    under a test client: then any port is accepted); ``allow`` are extra names, each
    ``name`` (any port) or ``name:port``.
    """

    def __init__(self, host: str | None = None, port: int | None = None,
                 allow: Iterable[str] = ()) -> None:
        self.port = port
        bound = (host or "").strip().strip("[]").lower()
        self.wildcard = host is not None and bound in WILDCARD
        self.names = set(LOOPBACK) | ({bound} if bound and not self.wildcard else set())
        self.extra: set[tuple[str, int | None]] = set()
        for entry in allow:
            parsed = split_host(entry)
            if parsed is None:
                raise ValueError(f"--allow-host {entry!r}: expected a host name or address, "
                                 "optionally with :port")
            self.extra.add(parsed)

    def _extra(self, name: str, port: int | None) -> bool:
        return (name, None) in self.extra or (name, port) in self.extra

    def allows_host(self, header: str) -> bool:
        """May a request with this ``Host`` header be answered?"""
        parsed = split_host(header)
        if parsed is None:
            return False
        name, port = parsed
        if self._extra(name, port):
            return True
        if name in self.names or (self.wildcard and _is_ip(name)):
            return port is None or self.port is None or port == self.port
        return False

    def allows_origin(self, origin: str, host_header: str) -> bool:
        """Is ``origin`` (an ``Origin`` value, or a ``Referer`` URL) this server's own, for
        a request sent to ``host_header``?"""
        if origin.strip() == "null":
            return False
        try:
            url = urlsplit(origin.strip())
            scheme, name, port = url.scheme.lower(), (url.hostname or "").lower(), url.port
        except ValueError:
            return False
        if scheme not in _DEFAULT_PORT or not name:
            return False
        port = port or _DEFAULT_PORT[scheme]
        host = split_host(host_header)
        if host is not None and host[0] == name and (host[1] or _DEFAULT_PORT[scheme]) == port:
            return True
        return self._extra(name, port)


class Guard:
    """Pure ASGI middleware: the Host and Origin checks of :class:`HostPolicy` (403), 413
    over ``max_bytes``, security headers on every response.

    A declared ``Content-Length`` over the limit is refused unread; a chunked body is read
    up to the limit and refused as soon as it passes it, else replayed to the app.
    """

    def __init__(self, app: Callable[..., Awaitable[None]], *, max_bytes: int,
                 policy: HostPolicy, refuse: Refuse, too_large: str) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.policy = policy
        self.refuse = refuse
        self.too_large = too_large

    def check(self, scope: Scope) -> str | None:
        """Why this request is refused (403), or None."""
        headers: dict[bytes, bytes] = {}
        for k, v in scope.get("headers") or []:
            headers.setdefault(k.lower(), v)
        host = headers.get(b"host", b"").decode("latin-1")
        if not self.policy.allows_host(host):
            shown = host[:100] or "(none)"
            return (f"This server does not answer to the host name {shown!r}. Open it as "
                    "http://127.0.0.1 or http://localhost with its port; behind a reverse "
                    "proxy or under another name, start it with --allow-host NAME.")
        site = headers.get(b"sec-fetch-site")
        if scope.get("method", "GET") in SAFE_METHODS:
            if site in (b"cross-site", b"same-site") and (
                    headers.get(b"sec-fetch-mode") != b"navigate"
                    or headers.get(b"sec-fetch-dest") in (b"object", b"embed")):
                return ("Refused: another site's page may link to this server, not load from "
                        "it (Sec-Fetch-Mode).")
            return None
        origin = headers.get(b"origin")
        referer = headers.get(b"referer")
        claimed = origin if origin is not None else referer
        if claimed is not None and not self.policy.allows_origin(
                claimed.decode("latin-1"), host):
            what = "Origin" if origin is not None else "Referer"
            return (f"Refused: a request from another site ({what} "
                    f"{claimed.decode('latin-1')[:100]!r}) may not post to this server. Use "
                    "the app's own pages, or call the API from a script without an Origin "
                    "header.")
        if site in (b"cross-site", b"same-site"):
            return ("Refused: the browser says this request comes from another site "
                    "(Sec-Fetch-Site), which may not post to this server.")
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", [])
                           if h[0].lower() not in {k for k, _ in SECURITY_HEADERS}]
                message["headers"] = headers + SECURITY_HEADERS
            await send(message)

        refused = self.check(scope)
        if refused is not None:
            await self.refuse(scope, 403, refused)(scope, receive, send_with_headers)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self.refuse(scope, 413, self.too_large)(scope, receive, send_with_headers)
            return
        if declared is None and scope.get("method") in {"POST", "PUT", "PATCH"}:
            chunks, size, more = [], 0, True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                more = message.get("more_body", False)
                if size > self.max_bytes:
                    await self.refuse(scope, 413, self.too_large)(
                        scope, receive, send_with_headers)
                    return
            body = b"".join(chunks)
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


__all__ = ["CSP", "SECURITY_HEADERS", "Guard", "HostPolicy", "is_loopback", "split_host"]
