"""The web app: ``wiretrace serve``.

Pages to paste, upload or pick an article and read its trace report (the same report as
``wiretrace trace --format html``, in the app's layout), to inspect an article with no
source at hand, to search the store and read a stored article; and a JSON API under
``/api/`` that mirrors the CLI (trace, inspect, ingest, get an article, search), described
at ``/openapi.json``.

It answers only to its own host names and refuses posts from other sites' pages
(``wiretrace.web.guard`` gives the policy); reads never wait for a running trace
(``wiretrace.web.service``).

The app makes no outbound request: it loads nothing from elsewhere (inline CSS, no script,
a CSP that forbids every fetch) and never fetches an article's URL.

FastAPI, uvicorn, Jinja2 and python-multipart are the ``web`` extra; importing this package
does not need them, :func:`create_app` and :func:`serve` do and say how to install them.

>>> from wiretrace.web import create_app                    # doctest: +SKIP
>>> app = create_app("wiretrace-demo")                      # an ASGI app; uvicorn runs it
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["DEFAULT_MAX_BYTES", "WebUnavailable", "create_app", "exposure_warning", "serve"]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_HINT = "pip install 'wiretrace[web]'"


class WebUnavailable(RuntimeError):
    """The ``web`` extra is not installed; the message gives the install command."""


def _require() -> None:
    missing = []
    for mod, package in (("fastapi", "fastapi"), ("uvicorn", "uvicorn"), ("jinja2", "jinja2"),
                         ("python_multipart", "python-multipart")):
        try:
            __import__(mod)
        except ImportError:
            missing.append(package)
    if missing:
        raise WebUnavailable(f"the web app needs {', '.join(missing)}: {_HINT}")


def create_app(store: str | Path | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
               engine: Any = None, host: str | None = None, port: int | None = None,
               allow_hosts: Iterable[str] = ()) -> FastAPI:
    """The ASGI app over the store at ``store`` (default ``$WIRETRACE_STORE`` or
    ``./wiretrace-data``).

    Parameters:
        store: the store folder; it must exist (``StoreError`` otherwise, naming the fix).
        max_bytes: largest request body in bytes (default 5 MiB); larger requests get a 413
            page (or JSON under ``/api/``) before their body is read.
        engine: an open ``Wiretrace`` to serve instead of opening ``store`` (tests share one
            model load this way).
        host, port: the address the server is bound to. Requests must name it (or
            localhost, 127.0.0.1, [::1]) in ``Host``; unknown (None), any port is accepted.
        allow_hosts: more names the server answers to and accepts posts from, ``name`` or
            ``name:port`` (a reverse proxy's public name). See ``wiretrace.web.guard``.
    """
    _require()
    from wiretrace.web.app import build_app

    return build_app(store, max_bytes=max_bytes, engine=engine, host=host, port=port,
                     allow_hosts=allow_hosts)


def exposure_warning(host: str) -> str | None:
    """What to tell whoever starts the server on an address other machines can reach."""
    from wiretrace.web.guard import is_loopback

    if is_loopback(host):
        return None
    return (f"wiretrace: WARNING: listening on {host}, not on this machine only: anyone who "
            "can reach it on the network can read every stored article and add articles to "
            "the store (POST /api/ingest), and there is no login. Serve on 127.0.0.1 behind "
            "a proxy that authenticates (with --allow-host for its public name) unless that "
            "is what you want.")


def serve(store: str | Path | None = None, *, host: str = "127.0.0.1", port: int = 8000,
          max_bytes: int = DEFAULT_MAX_BYTES, allow_hosts: Iterable[str] = ()) -> None:
    """Open the store once, then serve the app with uvicorn until interrupted."""
    _require()
    import click
    import uvicorn

    app = create_app(store, max_bytes=max_bytes, host=host, port=port, allow_hosts=allow_hosts)
    warning = exposure_warning(host)
    if warning:
        click.echo(warning, err=True)
    click.echo(f"wiretrace: loading the models for {app.state.store_path} …", err=True)
    app.state.service.warm()
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"wiretrace: serving {app.state.store_path} on http://{shown}:{port}/ "
               "(Ctrl-C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
