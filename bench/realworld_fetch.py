"""Fill a pages folder for bench/realworld_eval.py from the web (the one bench step that
uses the network, and only when you run it).

For every labelled url that has no text yet in ``--pages DIR``, fetch the page, read it with
wiretrace's own HTML reader (the text a user's ingest would store) and write
``DIR/<sha1(url)[:16]>.txt``. Pages that fail are listed, not retried. The committed results
were made from the stored first screen of each page (about 2,000 characters), not from live
pages: full pages give longer texts, so numbers can differ (see bench/realworld/README.md).

Run:  .venv/bin/python bench/realworld_fetch.py --pages ~/realworld-pages [--delay 1]
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=Path, required=True)
    ap.add_argument("--labels", type=Path, default=ROOT / "bench" / "realworld" / "clusters")
    ap.add_argument("--delay", type=float, default=1.0, help="seconds between requests")
    ap.add_argument("--timeout", type=float, default=20.0)
    args = ap.parse_args()

    from wiretrace.bench.realworld import SEED_PREFIX, load_labels
    from wiretrace.ingest.html import read_html

    args.pages.mkdir(parents=True, exist_ok=True)
    failed = []
    for page in load_labels(args.labels):
        out = args.pages / f"{page.key}.txt"
        if page.url.startswith(SEED_PREFIX) or out.exists():
            continue
        try:
            req = urllib.request.Request(page.url, headers={"User-Agent": "wiretrace-bench"})
            with urllib.request.urlopen(req, timeout=args.timeout) as resp:
                data = resp.read(5 * 2**20)
            res = read_html(data, source=page.url, url=page.url)
            if res.article is None:
                raise ValueError(res.detail or res.reason)
            title = res.article.title or ""
            out.write_text((title + "\n\n" if title else "") + res.article.text,
                           encoding="utf-8")
            print(f"ok {page.url}", file=sys.stderr)
        except Exception as e:  # a dead page is a statistic, not a stop
            failed.append(page.url)
            print(f"failed {page.url}: {e}", file=sys.stderr)
        time.sleep(args.delay)
    print(f"{len(failed)} pages failed", file=sys.stderr)


if __name__ == "__main__":
    main()
