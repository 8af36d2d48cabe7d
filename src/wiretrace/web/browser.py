"""Run the app in a background thread and drive Debian's Chromium with Playwright: shared
by the browser tests, ``scripts/screenshot.py`` and ``bench/web_load.py``.

Playwright never downloads a browser here: it launches the system Chromium
(``/usr/bin/chromium``, or ``$WIRETRACE_CHROMIUM``), headless, with the flags a root
session in a container needs (``--no-sandbox``; ``--disable-dev-shm-usage`` because
``/dev/shm`` is small). ``scripts/install_test_deps.sh`` installs Chromium with apt-get.

>>> with serve_in_thread(create_app("wiretrace-demo")) as base_url:   # doctest: +SKIP
...     with chromium() as browser:
...         page = browser.new_page()
...         page.goto(base_url)
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
                  "--no-first-run", "--disable-extensions", "--disable-background-networking"]
INSTALL_HINT = ("install Debian's Chromium (scripts/install_test_deps.sh, or "
                "apt-get install -y chromium) or point WIRETRACE_CHROMIUM at a Chromium binary")


def chromium_path() -> str:
    """The system Chromium to launch; ``FileNotFoundError`` with the install command if none."""
    env = os.environ.get("WIRETRACE_CHROMIUM")
    candidates = [env] if env else ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found and not env:
        return found
    raise FileNotFoundError(f"no Chromium at {', '.join(c for c in candidates if c)}: "
                            + INSTALL_HINT)


@contextmanager
def chromium(**launch: Any) -> Iterator[Any]:
    """A headless system Chromium under Playwright, closed on exit."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS, **launch)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def serve_in_thread(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free port in a daemon thread; yields the base URL.
    The socket is bound before the thread starts, so there is no race for the port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web app did not start (see the log above)")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
