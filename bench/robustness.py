"""Robustness fuzz run: seeded hostile inputs through wiretrace's real entry points.

Why: the readers promise never to raise, the CLI promises exit codes 0-4 with a message that
names the input, the web app promises 4xx pages rather than 500s, and none of them may hang,
blow up memory or lose what the store already holds. Unit tests pin known cases; this run
throws ~10,000 seeded hostile inputs at the same code paths and counts what breaks.

    .venv/bin/python bench/robustness.py                  # 10,000 inputs, ~10 min
    .venv/bin/python bench/robustness.py --quick          # ~300 inputs, for development
    .venv/bin/python bench/robustness.py --replay 1234    # one case in the foreground
    .venv/bin/python bench/robustness.py --dump 1234 DIR  # one case's input files into DIR

(``--replay`` and ``--dump`` need the same ``--n``/``--seed``/``--quick`` as the run.)

Entry points, each the code path a user's input takes:

* ``read``: the input written to a file and read with ``ingest.read_path`` (what ``wiretrace
  ingest`` calls); articles read are added to the store with ``Wiretrace.add`` in batches.
* ``query``: ``ingest.query.query_from_bytes`` then ``inspect`` and its report (what
  ``wiretrace inspect`` and the web paste box call); ``trace`` adds ``Wiretrace.trace`` and
  the HTML and text reports.
* ``search``: ``Store.search`` and the web app's ``/api/search`` and ``/search`` page.
* ``web``: one request to the FastAPI app through its TestClient (traversal paths, hostile
  bodies, uploads with hostile names, stored XSS).
* ``cli``: ``python -m wiretrace.cli ingest|trace|inspect|search`` in a subprocess.
* ``special``: FIFOs, sockets, symlink loops, /dev/zero, deep folders, sparse files, and
  unreadable files and folders (root reads everything, so those run under ``setpriv`` with
  the DAC-override capabilities dropped).
* ``probe``: the minimal reproducers of the problems found so far (``PROBES``), run every
  time, so the report says which are still open.

Each case runs in a worker process under a per-case time limit and a memory watch: a case
over its limit is counted as a hang (or ``memory``), the worker is killed and replaced. The
store is filled before the run; afterwards every article stored before must still be there
with the same text, SQLite and FTS5 integrity checks must pass, and the vector index must
catch up and still trace a known copy to its source.

Writes ``bench/results/robustness.md`` and ``.json``. Not a test: no thresholds.
"""

from __future__ import annotations

import argparse
import bz2
import contextlib
import gzip
import hashlib
import html
import json
import logging
import lzma
import multiprocessing as mp
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "src" / "wiretrace" / "demo" / "corpus"
SHARED = REPO.parent / "shared" / "data"
SCHEMA = "wiretrace.robustness/1"

# Reasons the readers document (wiretrace.ingest); others are listed in the report as undocumented.
KNOWN_REASONS = frozenset(
    "not_found unreadable empty binary undecodable too_large truncated corrupt no_text "
    "bad_json bad_xml unsafe_xml not_a_feed unsupported http_status extraction_error "
    "special_file empty_folder too_deep".split()
)
# Weighted families drawn at random; the fixed ones below are spread evenly through the run.
FAMILIES = {
    "mutate": 34, "random_bytes": 6, "compressed": 7, "warc": 9, "encoding": 8, "nested": 4,
    "entity": 3, "records": 8, "search": 8, "web": 6, "query": 3,
}
FIXED_FULL = {"giant": 8, "special": 20, "trace": 60, "cli": 45}
FIXED_QUICK = {"giant": 2, "special": 9, "trace": 6, "cli": 6}
GIANTS_FULL = [("words", 5), ("abbrev", 2), ("nospace", 2), ("html_p", 5), ("jsonl", 10),
               ("commas", 1), ("sentences", 2), ("words", 10)]
GIANTS_QUICK = [("words", 1), ("abbrev", 1)]
SPECIALS = ["fifo", "unreadable_file", "symlink_loop", "dev_zero", "socket", "fifo_cli",
            "unreadable_dir", "dir_loop", "sparse_jsonl", "deep_dirs", "fifo_in_folder",
            "self_link", "dangling", "dev_urandom", "sparse_text", "dir_named_html",
            "unreadable_cli", "fifo_jsonl", "dev_urandom_cli", "symlink_loop_cli"]
CLI_KINDS = ["ingest", "trace", "inspect", "search", "ingest_stdin", "search_bytes",
             "trace_stdin", "ingest_folder", "trace_id"]
TIMEOUTS = {"default": 30.0, "query": 45.0, "trace": 90.0, "cli": 150.0, "special": 20.0,
            "probe": 90.0, "search": 60.0}
CASE_MEMORY_MB = 384.0       # resident growth of one case over this (+20x its size) is flagged
SEARCH_LIMIT = 10.0          # one Store.search call over this is interrupted and a hang
GIANT_SECONDS_PER_MB = 15.0  # a giant case over 30 s + this per MB counts as a hang
FLUSH_EVERY = 50             # cases between two batched adds to the store in one worker
CLI_TIMEOUT = 120.0
MAX_RESULTS = 5000           # results read from one input at most
PASSWD = "root:x:0:0"

FTS_TOKENS = ["AND", "OR", "NOT", "NEAR", "NEAR(a b, 3)", "*", "a*", "^a", "title:", "text:",
              "{title text}:x", '"', '""', "(", ")", "-", "+", ":", "'", "\\", "%", "_",
              "'; DROP TABLE articles; --", "MATCH", "rank", "bm25(articles_fts)", "\x00",
              "\u202e", "\u200b", "e\u0301", "\U0001f4a9", "\uffff", "\U0010ffff", "ﬁ", "Ⅻ"]
INTERESTING = [
    b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\xff\xfe", b"<!--", b"-->",
    b"<![CDATA[", b"]]>", b"&#0;", b"&#x110000;", b"&#xD800;", b"&amp;", b"&nbsp;", b"&bogus;",
    b"\r", b"\r\n", b"\n\n", b"\xe2\x80\xa8", b"<", b">", b'"', b"'", b"{", b"}", b"[", b"]",
    b"\\u0000", b"\\ud800", b"\\", b"<script>", b"</html>", b"<p>", b"</p>", b"\t", b"\x0b",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"WARC/1.0\r\n", b"Content-Length: 999999999\r\n",
    b"\x1f\x8b", b"1e999", b"-1", b"9" * 30, b"\x1b[31m", b"\xe2\x80\xae", b" " * 100,
    b"." * 50, b"Mr. ", b"\xf0\x9f\x92\xa9", b"<meta charset='rot13'>", b"&lol;",
]
HOSTILE_VALUES: list[Any] = [
    None, True, 0, -1, 1e308, float("inf"), "", " ", "\u0000", "\ud800", "x" * 100_000, [], {},
    [1, [2]], {"a": {"b": {}}}, "javascript:alert(1)", "http://[::1", "http://a:99999/",
    "9999-99-99", "2026-02-30", "1e999", "<script>alert(1)</script>", "../../etc/passwd",
    "\u202eevil", "NaN", 10**30, "\udcff\udcfe", "\x1b[2J", "https://ok.example/a?utm_source=x",
]
XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>',
       "javascript:alert(1)", "<a href=\"javascript:alert(1)\">x</a>", "</textarea><script>",
       "{{7*7}}", "<iframe src=//evil.example>", "'-alert(1)-'"]
TRAVERSAL = ["../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd",
             "....//....//etc/passwd", "..\\..\\etc\\passwd", "/etc/passwd", "%00",
             "..%00/etc/passwd", "%c0%ae%c0%ae/etc/passwd", "..;/etc/passwd",
             "file:///etc/passwd", "%252e%252e%252fetc%252fpasswd", "..%5c..%5cetc%5cpasswd",
             "src/wiretrace/web/app.py", "../pyproject.toml", "~root/.bashrc", "%ff", ""]
FOREIGN = [
    ("fr", "Le conseil municipal a voté mardi soir un budget très attendu pour rénover le "
     "pont du port. Les élèves du lycée voisin ont assisté à la séance, et le maire s'est "
     "félicité de cette décision prise à l'unanimité après des années de débats.",
     ["latin-1", "cp1252", "utf-16", "utf-8"]),
    ("ru", "Городской совет во вторник вечером одобрил долгожданный бюджет на ремонт моста "
     "в порту. Ученики соседней школы присутствовали на заседании, а мэр приветствовал "
     "решение, принятое единогласно после многих лет споров и обсуждений.",
     ["koi8-r", "cp1251", "utf-16-le", "utf-8"]),
    ("ja", "市議会は火曜日の夜、港の橋を改修するための待望の予算を可決した。近くの高校の"
     "生徒たちも会議を傍聴し、市長は長年の議論の末に全会一致で決まったこの決定を歓迎した。"
     "工事は来年の春に始まる予定で、完成までに三年かかる見込みだという。",
     ["shift_jis", "euc-jp", "utf-16-be", "utf-8"]),
    ("zh", "市议会周二晚上通过了期待已久的预算，用于翻修港口大桥。附近高中的学生旁听了会议，"
     "市长对经过多年辩论后一致通过的决定表示欢迎。工程预计明年春天开始，需要三年才能完工。",
     ["gb18030", "gb2312", "utf-32", "utf-8"]),
    ("el", "Το δημοτικό συμβούλιο ενέκρινε την Τρίτη το βράδυ τον πολυαναμενόμενο "
     "προϋπολογισμό για την ανακαίνιση της γέφυρας του λιμανιού, μετά από χρόνια συζητήσεων "
     "και διαφωνιών ανάμεσα στα κόμματα της πόλης.",
     ["iso-8859-7", "cp1253", "utf-8"]),
]


# -- seeds: valid documents to break ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Doc:
    """One real or demo article: the raw material every hostile input is made from."""

    id: str
    title: str
    text: str
    url: str
    site: str
    published: str


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class Seeds:
    """Demo originals and copies, some ECB+ articles and real pages (when ../shared is here)."""

    def __init__(self) -> None:
        self.docs = [self._doc(d, k) for k, d in enumerate(_jsonl(DEMO / "originals.jsonl"))]
        self.copies = [self._doc(d, k) for k, d in enumerate(_jsonl(DEMO / "copies.jsonl"))]
        for k, d in enumerate(_jsonl(SHARED / "ecbplus" / "articles.jsonl")[:40]):
            lines = [ln for ln in d["text"].split("\n") if ln.strip()]
            self.docs.append(Doc(id=f"ecb-{d['id']}", title=lines[0][:120],
                                 text="\n\n".join(lines[1:]) or lines[0],
                                 url=d.get("url") or f"https://ecb.example/{k}",
                                 site="ECB example", published=f"2012-05-0{k % 9 + 1}"))
        pages = sorted((SHARED / "extraction" / "html").glob("*.html.gz"))[:10]
        self.pages = [gzip.decompress(p.read_bytes()) for p in pages]

    @staticmethod
    def _doc(d: dict[str, Any], k: int) -> Doc:
        return Doc(id=str(d.get("id") or f"doc-{k}"), title=str(d.get("title") or "Untitled"),
                   text=str(d["text"]), url=str(d.get("url") or f"https://demo.example/{k}"),
                   site=str(d.get("site") or "Demo"),
                   published=str(d.get("published") or "2026-03-10"))

    def doc(self, rng: random.Random) -> Doc:
        return rng.choice(self.docs)

    def valid(self, rng: random.Random, fmt: str | None = None) -> tuple[str, bytes]:
        """``(extension, bytes)`` of one well-formed document in a random (or given) format."""
        fmt = fmt or rng.choice(FORMATS)
        docs = [self.doc(rng) for _ in range(rng.randint(1, 3))]
        d = docs[0]
        if fmt == "text":
            return ".txt", f"{d.title}\n\n{d.text}\n".encode()
        if fmt == "md":
            return ".md", f"# {d.title}\n\n{d.text}\n\n* Share this\n".encode()
        if fmt == "html":
            return ".html", html_page(d).encode()
        if fmt == "real_html" and self.pages:
            return ".html", rng.choice(self.pages)
        if fmt == "rss":
            return ".rss", rss(docs).encode()
        if fmt == "atom":
            return ".atom", atom(docs).encode()
        if fmt == "jsonl":
            return ".jsonl", b"".join(json.dumps(record(x)).encode() + b"\n" for x in docs)
        if fmt == "json":
            return ".json", json.dumps([record(x) for x in docs]).encode()
        if fmt in ("warc", "warc_gz"):
            recs = [("response", x.url, html_page(x).encode(), "text/html; charset=utf-8")
                    for x in docs]
            return (".warc.gz" if fmt == "warc_gz" else ".warc"), warc(rng, recs,
                                                                       gz=fmt == "warc_gz")
        if fmt == "wet_gz":
            recs = [("conversion", x.url, f"{x.title}\n{x.text}".encode(), "text/plain")
                    for x in docs]
            return ".warc.wet.gz", warc(rng, recs, gz=True)
        return ".txt", d.text.encode()


FORMATS = ["text", "md", "html", "real_html", "rss", "atom", "jsonl", "json", "warc", "warc_gz",
           "wet_gz"]


def record(d: Doc) -> dict[str, Any]:
    return {"id": d.id, "url": d.url, "title": d.title, "published": d.published,
            "site": d.site, "text": d.text}


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def html_page(d: Doc, *, charset: str = "utf-8", head: str = "", body: str | None = None,
              doctype: str = "<!doctype html>") -> str:
    paras = body if body is not None else "".join(
        f"<p>{html.escape(p)}</p>\n" for p in paragraphs(d.text))
    return (f"{doctype}<html lang=\"en\"><head><meta charset=\"{charset}\">"
            f"<title>{html.escape(d.title)}</title>{head}"
            f"<link rel=\"canonical\" href=\"{html.escape(d.url)}\"></head><body>"
            "<nav><a href=\"/\">Home</a> | <a href=\"/world\">World</a></nav>"
            f"<article><h1>{html.escape(d.title)}</h1><p class=\"byline\">By Staff Writer</p>"
            f"{paras}</article><footer>© 2026 {html.escape(d.site)}. All rights reserved."
            "</footer></body></html>")


def rss(docs: list[Doc], *, item_extra: str = "", prolog: str = "") -> str:
    items = "".join(
        f"<item><title>{html.escape(d.title)}</title><link>{html.escape(d.url)}</link>"
        "<pubDate>Tue, 10 Mar 2026 10:00:00 GMT</pubDate><description><![CDATA["
        + "".join(f"<p>{p}</p>" for p in paragraphs(d.text)).replace("]]>", "]] >")
        + f"]]></description>{item_extra}</item>" for d in docs)
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?>{prolog}<rss version=\"2.0\"><channel>"
            f"<title>Feed</title><link>https://feed.example/</link>{items}</channel></rss>")


def atom(docs: list[Doc], *, prolog: str = "") -> str:
    entries = "".join(
        f"<entry><title>{html.escape(d.title)}</title><link href=\"{html.escape(d.url)}\"/>"
        "<updated>2026-03-10T10:00:00Z</updated><content type=\"html\">"
        + html.escape("".join(f"<p>{p}</p>" for p in paragraphs(d.text)))
        + "</content></entry>" for d in docs)
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?>{prolog}"
            f"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>F</title>{entries}</feed>")


def warc_record(rng: random.Random, kind: str, uri: str, payload: bytes, ctype: str, *,
                length: int | str | None = None, http_head: bytes | None = None,
                extra: bytes = b"") -> bytes:
    """One WARC record by hand, so its headers can lie (length, type, status, charset)."""
    if kind == "response":
        head = http_head if http_head is not None else (
            f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n").encode()
        block, wct = head + payload, "application/http; msgtype=response"
    else:
        block, wct = payload, ctype
    n = len(block) if length is None else length
    rid = f"{rng.getrandbits(128):032x}"
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{rid[:8]}-{rid[8:12]}-"
            f"{rid[12:16]}-{rid[16:20]}-{rid[20:]}>\r\nWARC-Date: 2026-03-10T10:00:00Z\r\n"
            f"WARC-Target-URI: {uri}\r\nContent-Type: {wct}\r\nContent-Length: {n}\r\n"
            ).encode() + extra + b"\r\n"
    return head + block + b"\r\n\r\n"


def warc(rng: random.Random, records: list[tuple[str, str, bytes, str]], *, gz: bool) -> bytes:
    info = warc_record(rng, "warcinfo", "", b"software: wiretrace-robustness\r\n",
                       "application/warc-fields")
    parts = [info] + [warc_record(rng, *r) for r in records]
    return b"".join(gzip.compress(p, mtime=0) for p in parts) if gz else b"".join(parts)


def compress(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    kind = rng.choice(("gz", "gz", "bz2", "xz"))
    if kind == "gz":
        return ".gz", gzip.compress(data, mtime=0)
    if kind == "bz2":
        return ".bz2", bz2.compress(data)
    return ".xz", lzma.compress(data)


def mutate(rng: random.Random, data: bytes, other: bytes, count: int) -> tuple[bytes, list[str]]:
    """Byte-level mutations (flip, insert, delete, duplicate, splice, interesting tokens)."""
    buf = bytearray(data)
    ops: list[str] = []
    for _ in range(count):
        op = rng.choice(("flip", "byte", "insert", "delete", "dup", "splice", "token", "token",
                         "truncate", "repeat"))
        pos = rng.randrange(len(buf) + 1)
        if op == "flip" and buf:
            i = min(pos, len(buf) - 1)
            buf[i] ^= 1 << rng.randrange(8)
        elif op == "byte" and buf:
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == "insert":
            buf[pos:pos] = rng.randbytes(rng.randint(1, 64))
        elif op == "delete":
            del buf[pos:pos + rng.randint(1, 512)]
        elif op == "dup":
            n = rng.randint(1, 2048)
            buf[pos:pos] = buf[pos:pos + n]
        elif op == "splice" and other:
            a = rng.randrange(len(other))
            buf[pos:] = other[a:a + rng.randint(1, 4096)] + buf[pos:]
        elif op == "token":
            buf[pos:pos] = rng.choice(INTERESTING)
        elif op == "truncate":
            del buf[pos:]
        elif op == "repeat":
            chunk = bytes(buf[pos:pos + rng.randint(1, 32)]) or b"x"
            buf[pos:pos] = chunk * rng.randint(2, 2000)
        ops.append(op)
    return bytes(buf[: 512 * 1024]), ops


# -- inputs: what one case feeds to which entry point ------------------------------------------


@dataclass(slots=True)
class Input:
    """One case's input: files to write, or a query, request, command or special file."""

    desc: str
    target: str = "read"
    files: list[tuple[str, bytes]] = field(default_factory=list)
    search: dict[str, Any] | None = None
    request: dict[str, Any] | None = None
    argv: list[str | bytes] | None = None
    stdin: bytes | None = None
    special: str | None = None
    add_now: bool = False
    own_store: bool = False  # add to a scratch store: a giant must not slow later flushes
    expect: str = ""  # probes: what the fixed behaviour is
    limit: float | None = None  # probes: finishing later than this counts as a hang


def remove_tree(path: Path) -> None:
    """``rm -rf``: shutil.rmtree recurses per level, and a case may nest 1,500 folders."""
    try:
        shutil.rmtree(path, ignore_errors=True)
    except RecursionError:
        subprocess.run(["rm", "-rf", "--", str(path)], check=False)


def input_bytes(inp: Input) -> int:
    """Bytes the case feeds in: its files, or a web request's uploads and body."""
    n = sum(len(b) for _, b in inp.files) + len(inp.stdin or b"")
    req = inp.request or {}
    files = req.get("files") or []
    for f in files.values() if isinstance(files, dict) else (f for _, f in files):
        n += len(f[1])
    n += len(req.get("content") or b"") + len(json.dumps(req["json"]) if "json" in req else "")
    return n


@dataclass(slots=True)
class Case:
    idx: int
    family: str
    timeout: float
    variant: int = 0  # for fixed families: which giant/special/cli kind


def plan(n: int, seed: int, quick: bool) -> list[Case]:
    """The run's cases, deterministic in (n, seed, quick): probes first, fixed families
    spread evenly, the rest drawn by weight."""
    fixed = dict(FIXED_QUICK if quick else FIXED_FULL)
    fixed["probe"] = len(PROBES)
    giants = GIANTS_QUICK if quick else GIANTS_FULL
    fixed["giant"] = min(fixed["giant"], len(giants))
    slots: dict[int, tuple[str, int]] = {}
    for k in range(fixed["probe"]):
        slots[k] = ("probe", k)
    for fam in ("giant", "special", "trace", "cli"):
        count = fixed[fam]
        for k in range(count):
            pos = int((k + 0.5) * n / count) if count else 0
            while pos in slots:
                pos += 1
            slots[pos] = (fam, k)
    names, weights = zip(*FAMILIES.items(), strict=True)
    cases = []
    for i in range(max(n, max(slots, default=0) + 1)):
        if i in slots:
            fam, k = slots[i]
        else:
            fam, k = random.Random(f"{seed}:{i}:family").choices(names, weights)[0], 0
        if fam == "giant":
            mb = giants[k][1]
            timeout = 30.0 + GIANT_SECONDS_PER_MB * mb
        else:
            timeout = TIMEOUTS.get(fam, TIMEOUTS["default"])
        cases.append(Case(idx=i, family=fam, timeout=timeout, variant=k))
    return cases


def make_input(case: Case, seed: int, seeds: Seeds, quick: bool) -> Input:
    """The case's input, regenerated from (seed, idx) wherever it is needed."""
    rng = random.Random(f"{seed}:{case.idx}")
    if case.family == "giant":
        kind, mb = (GIANTS_QUICK if quick else GIANTS_FULL)[case.variant]
        return gen_giant(kind, mb)
    if case.family == "special":
        return Input(desc=SPECIALS[case.variant % len(SPECIALS)], target="special",
                     special=SPECIALS[case.variant % len(SPECIALS)])
    if case.family == "cli":
        return gen_cli(rng, seeds, CLI_KINDS[case.variant % len(CLI_KINDS)])
    if case.family == "probe":
        return PROBES[case.variant][1]()
    return GENERATORS[case.family](rng, seeds)


def _ingest_input(rng: random.Random, seeds: Seeds) -> Input:
    """A hostile document from one of the file families, for query/web/cli reuse."""
    fam = rng.choice(("mutate", "mutate", "encoding", "records", "compressed", "warc", "entity",
                      "random_bytes", "nested"))
    return GENERATORS[fam](rng, seeds)


def gen_mutate(rng: random.Random, s: Seeds) -> Input:
    ext, data = s.valid(rng)
    _, other = s.valid(rng)
    out, ops = mutate(rng, data, other, rng.choice((1, 1, 2, 3, 5, 8, 20)))
    name = f"doc{ext}"
    roll = rng.random()
    if roll < 0.1:
        cext, out = compress(rng, out)
        name += cext
    elif roll < 0.25:
        name = "doc" + rng.choice(("", ".txt", ".html", ".jsonl", ".xml", ".bin", ".warc", ".json"))
    return Input(desc=f"{ext} mutated: {','.join(ops[:8])}", files=[(name, out)])


def gen_random_bytes(rng: random.Random, s: Seeds) -> Input:
    n = min(int(rng.expovariate(1 / 4000)), 64 * 1024)
    style = rng.choice(("uniform", "printable", "high", "controls", "prefixed"))
    if style == "uniform":
        data = rng.randbytes(n)
    elif style == "printable":
        data = bytes(rng.choice(b"abcdefghij klmnop\n.,<>&;\"'{}[]") for _ in range(n))
    elif style == "high":
        data = bytes(rng.randrange(128, 256) for _ in range(n))
    elif style == "controls":
        data = bytes(rng.choice(b"\x01\x02\x1b\x7f a\n") for _ in range(n))
    else:
        prefix = rng.choice((b"\x1f\x8b\x08\x00", b"BZh91AY&SY", b"\xfd7zXZ\x00", b"WARC/1.0\r\n",
                             b"<rss>", b"<?xml version='1.0'?><feed>", b"{\"text\": \"",
                             b"<!doctype html><html>", b"\xef\xbb\xbf", b"\xff\xfe", b"["))
        data = prefix + rng.randbytes(n)
    ext = rng.choice(("", ".txt", ".html", ".jsonl", ".json", ".xml", ".warc", ".wet", ".gz",
                      ".md", ".rss", ".bin"))
    return Input(desc=f"random {style} {len(data)} bytes as {ext or 'no extension'}",
                 files=[(f"rand{ext}", data)])


def gen_compressed(rng: random.Random, s: Seeds) -> Input:
    ext, data = s.valid(rng, rng.choice(("text", "html", "jsonl", "rss", "json", "warc")))
    if ext.endswith(".gz"):
        comp, packed = "", data
    else:
        comp, packed = compress(rng, data)
    how = rng.choice(("cut", "cut", "cut", "header", "crc", "trailing", "members", "empty_member",
                      "bomb"))
    if how == "bomb":
        return gen_bomb(rng)
    if how == "cut":
        packed = packed[: rng.randrange(len(packed))]
    elif how == "header":
        packed = packed[: rng.randint(1, 12)]
    elif how == "crc" and len(packed) > 8:
        i = len(packed) - rng.randint(1, 8)
        packed = packed[:i] + bytes([packed[i] ^ 0xFF]) + packed[i + 1:]
    elif how == "trailing":
        packed += rng.choice((b"\x00" * 64, rng.randbytes(200), b"\x1f\x8b", b"garbage\n"))
    elif how == "members":
        packed = packed + packed[: rng.randrange(len(packed))]
    else:
        packed = gzip.compress(b"", mtime=0) + packed
    return Input(desc=f"{ext}{comp} compressed, {how}", files=[(f"packed{ext}{comp}", packed)])


BOMB_MEMBER = b"word " * 200_000  # 1 MB: compressed once, repeated as members (cheap bombs)


def bomb(kind: str, mb: int) -> tuple[str, bytes]:
    """A file small on disk that inflates to ``mb`` MB: repeated compressed members."""
    if kind == "txt.gz":
        return "bomb.txt.gz", gzip.compress(BOMB_MEMBER, mtime=0) * mb
    if kind == "jsonl.gz":
        return "bomb.jsonl.gz", gzip.compress(b'{"text": "', mtime=0) + gzip.compress(
            BOMB_MEMBER, mtime=0) * mb
    if kind == "html.bz2":
        return "bomb.html.bz2", bz2.compress(b"<html><body><p>") + bz2.compress(BOMB_MEMBER) * mb
    if kind == "rss.xz":
        return "bomb.rss.xz", lzma.compress(b"<rss><channel><item><description>") + (
            lzma.compress(BOMB_MEMBER) * mb)
    head = (b"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: https://bomb.example/\r\n"
            b"WARC-Date: 2026-03-10T10:00:00Z\r\nContent-Type: text/plain\r\n"
            b"Content-Length: %d\r\n\r\n" % (mb * len(BOMB_MEMBER)))
    return "bomb.warc.gz", gzip.compress(head, mtime=0) + gzip.compress(BOMB_MEMBER,
                                                                         mtime=0) * mb


def gen_bomb(rng: random.Random) -> Input:
    kind = rng.choice(("txt.gz", "jsonl.gz", "html.bz2", "rss.xz", "warc.gz"))
    mb = rng.randint(25, 400)
    name, data = bomb(kind, mb)
    return Input(desc=f"compression bomb {kind}: {len(data):,} bytes inflating to {mb} MB",
                 files=[(name, data)])


def gen_warc(rng: random.Random, s: Seeds) -> Input:
    docs = [s.doc(rng) for _ in range(rng.randint(1, 6))]
    gz = rng.random() < 0.5
    how = rng.choice(("cut", "cut", "length_big", "length_small", "length_huge", "length_neg",
                      "length_text", "http_junk", "charset", "binary_html", "version", "tiny",
                      "no_headers", "wet", "encoding_gzip", "status"))
    recs: list[bytes] = [warc_record(rng, "warcinfo", "", b"software: x\r\n",
                                     "application/warc-fields")]
    for d in docs:
        payload = html_page(d).encode()
        kw: dict[str, Any] = {}
        if how == "length_big":
            kw["length"] = len(payload) + rng.randint(1, 5000)
        elif how == "length_small":
            kw["length"] = max(0, len(payload) - rng.randint(1, 500))
        elif how == "length_huge":
            kw["length"] = rng.choice((10**12, 2**63 - 1, 10**30))
        elif how == "length_neg":
            kw["length"] = -rng.randint(1, 1000)
        elif how == "length_text":
            kw["length"] = rng.choice(("abc", "", "1e3", "0x10", " 12 "))
        elif how == "http_junk":
            kw["http_head"] = rng.choice((b"", b"garbage\r\n\r\n", b"HTTP/1.1 999 Odd\r\n\r\n",
                                          b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 5000 + b"\r\n"))
        elif how == "charset":
            cs = rng.choice(("utf-7", "rot13", "base64", "x-unknown", "utf-16", "../etc", "hex",
                             "zlib", "a" * 300, "", "idna", "punycode"))
            kw["http_head"] = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset={cs}\r\n\r\n"
                               ).encode()
        elif how == "binary_html":
            payload = rng.randbytes(2000)
        elif how == "encoding_gzip":
            kw["http_head"] = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                               b"Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n")
        elif how == "status":
            kw["http_head"] = rng.choice((b"HTTP/1.1 0 X\r\n\r\n", b"HTTP/1.1 -1 X\r\n\r\n",
                                          b"HTTP/1.1 99999999999999999999 X\r\n\r\n"))
        kind, ctype = ("conversion", "text/plain") if how == "wet" else ("response",
                                                                         "text/html")
        if how == "wet":
            payload = f"{d.title}\n{d.text}".encode()
        rec = warc_record(rng, kind, d.url, payload, ctype, **kw)
        if how == "version":
            rec = rec.replace(b"WARC/1.0", rng.choice((b"WARC/9.9", b"WARC/", b"WARC/1.0 junk")))
        if how == "no_headers":
            rec = b"WARC/1.0\r\n\r\n" + payload
        recs.append(rec)
    if how == "tiny":
        recs = recs[:1] + [warc_record(rng, "response", f"https://t.example/{i}", b"x",
                                       "text/html") for i in range(rng.randint(100, 2000))]
    data = b"".join(gzip.compress(r, mtime=0) for r in recs) if gz else b"".join(recs)
    if how == "cut" or rng.random() < 0.2:
        data = data[: rng.randrange(len(data))]
    name = "crawl" + (".warc.wet" if how == "wet" else ".warc") + (".gz" if gz else "")
    return Input(desc=f"warc{' gz' if gz else ''} {len(docs)} records, {how}",
                 files=[(name, data)])


def gen_encoding(rng: random.Random, s: Seeds) -> Input:
    how = rng.choice(("stray", "stray", "foreign", "foreign", "utf16", "bom_junk",
                      "declared_lie", "mixed", "declared_codec"))
    d = s.doc(rng)
    text = f"{d.title}\n\n{d.text}"
    fmt = rng.choice(("text", "html", "jsonl", "rss"))
    if how == "stray":
        raw = bytearray(text.encode())
        for _ in range(rng.randint(1, 30)):
            raw[rng.randrange(len(raw)):0] = rng.choice(
                (b"\x80", b"\xff", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                 b"\xe2\x82", b"\xfe"))
        data = bytes(raw)
        desc = "UTF-8 with stray bytes"
    elif how == "foreign":
        lang, ftext, encs = rng.choice(FOREIGN)
        enc = rng.choice(encs)
        text = f"{ftext}\n\n{ftext}"
        data = text.encode(enc, errors="replace")
        desc = f"{lang} text in {enc}"
    elif how == "utf16":
        enc = rng.choice(("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"))
        data = text.encode(enc)
        if rng.random() < 0.3:
            data = data[: len(data) - 1]  # odd length
        desc = f"{enc} ({'BOM' if enc in ('utf-16', 'utf-32') else 'no BOM'})"
    elif how == "bom_junk":
        bom = rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00",
                          b"\xef\xbb\xbf\xef\xbb\xbf", b"\xef\xbb"))
        body = text.encode(rng.choice(("utf-8", "latin-1", "utf-16-le")), errors="replace")
        data = bom + body if rng.random() < 0.7 else body[:100] + bom + body[100:]
        desc = f"BOM {bom!r} in front of other bytes"
    elif how == "mixed":
        half = len(text) // 2
        data = text[:half].encode("utf-8") + text[half:].encode(rng.choice(
            ("latin-1", "utf-16", "cp1252")), errors="replace")
        desc = "two encodings in one file"
    else:
        data = text.encode("utf-8")
        desc = "declared charset"
    if fmt == "html":
        cs = rng.choice(("utf-8", "utf-16", "iso-8859-1", "shift_jis", "x-bogus", "rot13",
                         "base64", "utf-7", "", "utf-8\"><script>")) if how in (
            "declared_lie", "declared_codec") else "utf-8"
        head = f"<html><head><meta charset=\"{cs}\"><title>t</title></head><body><article><p>"
        data = head.encode() + data + b"</p></article></body></html>"
        desc += f", HTML declaring {cs!r}"
        ext = ".html"
    elif fmt == "rss":
        cs = rng.choice(("utf-8", "utf-16", "latin-1", "rot13", "base64", "x-bogus", "hex"))
        data = (f"<?xml version=\"1.0\" encoding=\"{cs}\"?><rss><channel><item><title>t</title>"
                "<description>").encode() + data.replace(b"<", b" ").replace(b"&", b" ") + (
            b"</description></item></channel></rss>")
        desc += f", feed declaring {cs!r}"
        ext = ".rss"
    elif fmt == "jsonl":
        data = b'{"id": "enc", "text": "' + data.replace(b"\\", b"").replace(b'"', b"'").replace(
            b"\n", b"\\n") + b'"}\n'
        desc += ", JSON line"
        ext = ".jsonl"
    else:
        ext = ".txt"
    return Input(desc=desc, files=[(f"enc{ext}", data)])


def _nest(n: int, open_: str, close: str, inner: str) -> str:
    return open_ * n + inner + close * n


def gen_nested(rng: random.Random, s: Seeds) -> Input:
    n = int(10 ** rng.uniform(3, 5))
    d = s.doc(rng)
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs(d.text))
    how = rng.choice(("div", "unclosed", "table", "feed_xml", "atom_xhtml", "json_array",
                      "json_object", "meta", "markdown", "span_attr"))
    if how == "div":
        files = [("nest.html", html_page(d, body=_nest(n, "<div>", "</div>", body)).encode())]
    elif how == "unclosed":
        files = [("nest.html", html_page(d, body="<b><i><u>" * (n // 3) + body).encode())]
    elif how == "table":
        files = [("nest.html", html_page(d, body=_nest(n // 3, "<table><tr><td>",
                                                       "</td></tr></table>", body)).encode())]
    elif how == "feed_xml":
        inner = _nest(n, "<x>", "</x>", html.escape(d.text))
        files = [("nest.rss", (f"<rss><channel><item><title>t</title><description>{inner}"
                               "</description></item></channel></rss>").encode())]
    elif how == "atom_xhtml":
        inner = _nest(n, "<div>", "</div>", html.escape(d.text))
        files = [("nest.atom", ("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>t"
                                "</title><content type=\"xhtml\"><div xmlns=\"http://www.w3.org/"
                                f"1999/xhtml\">{inner}</div></content></entry></feed>").encode())]
    elif how == "json_array":
        nest = _nest(n, "[", "]", json.dumps(record(d)))
        files = [("nest.json" if rng.random() < 0.5 else "nest.jsonl", nest.encode())]
    elif how == "json_object":
        nest = _nest(n, '{"a":', "}", "1")
        files = [("nest.jsonl", (nest + "\n" + json.dumps(record(d)) + "\n").encode())]
    elif how == "meta":
        depth = rng.randint(400, 999)
        rec = json.dumps(record(d))[:-1] + ', "extra": ' + _nest(depth, '{"a":', "}", "1") + "}"
        files = [("meta.jsonl", rec.encode() + b"\n")]
        n = depth
    elif how == "markdown":
        files = [("nest.md", ((">" * n) + " " + d.text).encode())]
    else:
        attrs = " ".join(f'a{i}="{i}"' for i in range(n))
        files = [("attrs.html", html_page(d, body=f"<span {attrs}>x</span>{body}").encode())]
    return Input(desc=f"nested {how} depth {n}", files=files)


def _lol(depth: int) -> tuple[str, str]:
    decl = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">'
        for i in range(1, depth + 1))
    return decl, f"&lol{depth};"


def gen_entity(rng: random.Random, s: Seeds) -> Input:
    d = s.doc(rng)
    how = rng.choice(("lol", "quadratic", "xxe_passwd", "xxe_zero", "xxe_http", "param",
                      "external_dtd", "undeclared"))
    if how == "lol":
        decl, ref = _lol(rng.randint(3, 9))
    elif how == "quadratic":
        decl = f'<!ENTITY a "{"a" * rng.randint(1000, 50_000)}">'
        ref = "&a;" * rng.randint(100, 5000)
    elif how == "xxe_passwd":
        decl, ref = '<!ENTITY x SYSTEM "file:///etc/passwd">', "&x;"
    elif how == "xxe_zero":
        decl, ref = '<!ENTITY x SYSTEM "file:///dev/zero">', "&x;"
    elif how == "xxe_http":
        decl, ref = '<!ENTITY x SYSTEM "http://127.0.0.1:9/x">', "&x;"
    elif how == "param":
        decl = ('<!ENTITY % p SYSTEM "file:///etc/passwd"><!ENTITY % w "<!ENTITY x \'%p;\'>">'
                "%w;")
        ref = "&x;"
    elif how == "external_dtd":
        decl, ref = "", ""
    else:
        decl, ref = "", "&lol9; &x; &a;"
    dtd = ('<!DOCTYPE r SYSTEM "file:///etc/passwd">' if how == "external_dtd"
           else f"<!DOCTYPE r [{decl}]>" if decl else "")
    if rng.random() < 0.3:  # spellings a naive check might miss
        dtd = rng.choice((dtd.lower(), dtd.replace("<!DOCTYPE", "<!\nDOCTYPE"),
                          "<!-- c -->" + dtd, dtd.replace("<!DOCTYPE", "<! DOCTYPE")))
    wrap = rng.choice(("rss", "atom", "xhtml", "html", "jsonl_html", "warc", "utf16_rss"))
    text = html.escape(d.text)
    if wrap in ("rss", "utf16_rss"):
        xml = (f'<?xml version="1.0"?>{dtd}<rss><channel><item><title>{ref}</title>'
               f"<description>{ref} {text}</description></item></channel></rss>")
        data = xml.encode("utf-16") if wrap == "utf16_rss" else xml.encode()
        files = [("bomb.rss", data)]
    elif wrap == "atom":
        files = [("bomb.atom", (f'<?xml version="1.0"?>{dtd}<feed xmlns="http://www.w3.org/2005/'
                                f'Atom"><entry><title>t</title><content>{ref} {text}</content>'
                                "</entry></feed>").encode())]
    elif wrap in ("xhtml", "jsonl_html", "warc"):
        page = (f'<?xml version="1.0"?>{dtd}<html xmlns="http://www.w3.org/1999/xhtml"><head>'
                f"<title>{ref}</title></head><body><article><p>{ref}</p><p>{text}</p></article>"
                "</body></html>")
        if wrap == "xhtml":
            files = [("bomb.xhtml", page.encode())]
        elif wrap == "jsonl_html":
            files = [("bomb.jsonl", json.dumps({"id": "b", "html": page}).encode() + b"\n")]
        else:
            files = [("bomb.warc", warc(rng, [("response", d.url, page.encode(),
                                               "application/xhtml+xml")], gz=False))]
    else:
        files = [("bomb.html", html_page(d, doctype=f"<!DOCTYPE html [{decl}]>",
                                         body=f"<p>{ref}</p><p>{text}</p>").encode())]
    return Input(desc=f"entity {how} in {wrap}", files=files)


def _hostile_record(rng: random.Random, d: Doc) -> dict[str, Any]:
    rec: dict[str, Any] = record(d)
    for _ in range(rng.randint(1, 3)):
        key = rng.choice(("id", "url", "title", "published", "date", "text", "html", "site",
                          "byline", "author", "language", "lang", "credits", "declared_sources",
                          "boilerplate", "meta", "text_insert", "text_insert"))
        if key == "text_insert":
            pos = rng.randrange(len(d.text))
            rec["text"] = d.text[:pos] + rng.choice(
                ("\ud800", "\udfff", "\u0000", "\x1b[2J", "\u202e", "\ufffe", "\U0010fffe",
                 "<script>alert(1)</script>", "\r\r\r", "\u2028\u2029")) + d.text[pos:]
        elif key == "html":
            rec.pop("text", None)
            rec["html"] = rng.choice((html_page(d), "<html>", 5, ["<p>"], html_page(d)[:200]))
        else:
            rec[key] = rng.choice(HOSTILE_VALUES)
    return rec


def gen_records(rng: random.Random, s: Seeds) -> Input:
    if rng.random() < 0.3:
        return _hostile_feed(rng, s)
    lines: list[bytes] = []
    for _ in range(rng.randint(1, 12)):
        roll = rng.random()
        if roll < 0.75:
            lines.append(json.dumps(_hostile_record(rng, s.doc(rng))).encode())
        else:
            lines.append(rng.choice((b"{", b"[1, 2]", b"null", b'{"text": "unterminated',
                                     b"\xff\xfe{}", b"\xef\xbb\xbf" + json.dumps(
                                         record(s.doc(rng))).encode(), b'{"text": 1e99999}',
                                     b'{"text": "' + b"9" * 5000 + b'"}', b"{'single': 1}",
                                     b'{"text": NaN}', b'{"id": ' + b"9" * 5000 + b"}",
                                     b'{"a": 1, "a": 2}', b"\x00" * 10, b" " * 100)))
    sep = rng.choice((b"\n", b"\n", b"\r\n", b"\n\n", b"\r"))
    if rng.random() < 0.3:
        return Input(desc=f"JSON array of {len(lines)} hostile records",
                     files=[("recs.json", b"[" + b",".join(lines) + b"]")])
    return Input(desc=f"JSONL {len(lines)} hostile records", files=[("recs.jsonl",
                                                                      sep.join(lines) + sep)])


def _hostile_feed(rng: random.Random, s: Seeds) -> Input:
    docs = [s.doc(rng) for _ in range(rng.randint(1, 3))]
    how = rng.choice(("no_channel", "empty_items", "many_items", "bad_date", "js_link",
                      "cdata_break", "unbound_prefix", "bad_char", "atom_types", "rdf", "xss"))
    if how == "no_channel":
        xml = "<rss><item><title>x</title></item></rss>"
    elif how == "empty_items":
        xml = "<rss><channel>" + "<item></item>" * rng.randint(1, 50) + "</channel></rss>"
    elif how == "many_items":
        xml = rss(docs * rng.randint(30, 100))
    elif how == "bad_date":
        xml = rss(docs).replace("Tue, 10 Mar 2026 10:00:00 GMT", rng.choice(
            ("Tue, 99 Foo 2026", "", "9" * 200, "2026-13-45T99:99:99Z", "-1")))
    elif how == "js_link":
        xml = rss(docs).replace(docs[0].url, "javascript:alert(1)")
    elif how == "cdata_break":
        xml = rss(docs).replace("<![CDATA[", "<![CDATA[ ]]> <![CDATA[", 1)
    elif how == "unbound_prefix":
        xml = rss(docs, item_extra="<foo:bar>x</foo:bar>")
    elif how == "bad_char":
        xml = rss(docs, item_extra="<x>&#1;&#xFFFE;</x>")
    elif how == "atom_types":
        t = rng.choice(("xhtml", "text", "html", "application/octet-stream", "base64"))
        xml = atom(docs).replace('type="html"', f'type="{t}"')
    elif how == "rdf":
        xml = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
               'xmlns="http://purl.org/rss/1.0/"><item><title>t</title><description>'
               f"{html.escape(docs[0].text)}</description></item></rdf:RDF>")
    else:
        x = rng.choice(XSS)
        xml = rss(docs).replace("<title>", f"<title>{html.escape(x)}", 1)
    ext = ".atom" if "<feed" in xml else rng.choice((".rss", ".xml"))
    return Input(desc=f"feed {how}", files=[(f"feed{ext}", xml.encode())])


def gen_giant(kind: str, mb: int) -> Input:
    """One big document, built by repetition (deterministic, cheap to make)."""
    size = mb * 1024 * 1024
    unit = {
        "words": "council harbour bridge vote budget ",
        "abbrev": "Mr. Smith met Dr. Jones and Gen. Lee at 5 p.m. in St. Paul. ",
        "nospace": "x",
        "commas": "the vote, the bridge, the harbour; ",
        "sentences": "The council met. ",
        "html_p": "council harbour bridge vote budget ",
        "jsonl": "council harbour bridge vote budget ",
    }[kind]
    body = (unit * (size // len(unit) + 1))[:size]
    if kind == "html_p":
        data = f"<html><head><title>Giant</title></head><body><p>{body}</p></body></html>"
        name = "giant.html"
    elif kind == "jsonl":
        data = json.dumps({"id": "giant", "text": body}) + "\n"
        name = "giant.jsonl"
    else:
        data, name = body, "giant.txt"
    return Input(desc=f"giant {kind} {mb} MB (one paragraph)", files=[(name, data.encode())],
                 add_now=True, own_store=True)


def _hostile_query(rng: random.Random, s: Seeds, *, allow_surrogates: bool = True) -> str:
    words = re.findall(r"\w+", s.doc(rng).text)
    how = rng.choice(("words", "long", "repeated", "operators", "controls", "unicode", "quotes",
                      "sql", "surrogate", "blank"))
    if how == "words":
        return " ".join(rng.sample(words, min(len(words), rng.randint(1, 5))))
    if how == "long":
        return " ".join(rng.choice(words) for _ in range(rng.randint(200, 5000)))
    if how == "repeated":
        return (rng.choice(words) + " ") * rng.randint(100, 3000)
    if how == "operators":
        return " ".join(rng.choice(FTS_TOKENS + words) for _ in range(rng.randint(1, 40)))
    if how == "controls":
        return "".join(rng.choice(["\x00", "\x01", "\x1f", "\x7f", "\n", "\t", "a"])
                       for _ in range(rng.randint(1, 200)))
    if how == "unicode":
        return "".join(rng.choice(["e\u0301", "\u202e", "\U0001f4a9", "日本", "\u200b", "Ａ",
                                   "\uffff", "\U0010ffff", "ß", "İ", "\u0345"])
                       for _ in range(rng.randint(1, 500)))
    if how == "quotes":
        return rng.choice(('"', "'", "`")) * rng.randint(1, 1000)
    if how == "sql":
        return rng.choice(("'; DROP TABLE articles; --", "%", "_", "\\", "1' OR '1'='1",
                           "x\" OR 1=1 --", "*:*", "NEAR(", "{", "}"))
    if how == "surrogate" and allow_surrogates:
        return rng.choice(("\udcff", "caf\udce9", "\ud800 harbour", "\udcc3\udca9"))
    return rng.choice(("", " ", "\t\n", "\u3000"))


def gen_search(rng: random.Random, s: Seeds) -> Input:
    q = _hostile_query(rng, s)
    params: dict[str, Any] = {"q": q, "limit": rng.choice((1, 5, 20, 500))}
    if rng.random() < 0.3:
        params["site"] = rng.choice(("Meridian Press", "%", "' OR 1=1 --", "x" * 10_000, "\x00"))
    if rng.random() < 0.3:
        params["since"] = rng.choice(("2026-03-01", "x", "9999-99-99", "", "\x00", "-1"))
    if rng.random() < 0.3:
        params["until"] = rng.choice(("2026-03", "", "%", "z" * 5000, "2026-13"))
    kind = "surrogates" if any(0xD800 <= ord(c) <= 0xDFFF for c in q) else f"{len(q)} chars"
    return Input(desc=f"search query, {kind}", target="search", search=params)


def gen_web(rng: random.Random, s: Seeds) -> Input:
    how = rng.choice(("traversal", "traversal", "api_trace", "api_inspect", "upload_inspect",
                      "api_ingest_files", "api_ingest_json", "methods", "params", "paths",
                      "stored_xss"))
    req: dict[str, Any] = {"method": "GET", "kind": how}
    if how == "traversal":
        prefix = rng.choice(("/articles/", "/api/articles/", "/trace/", "/inspect/", "/static/",
                             "/", "/api/", "/search/"))
        req["path"] = prefix + rng.choice(TRAVERSAL)
        if prefix == "/trace/":
            req["params"] = {"download": rng.choice(("1", "0"))}
    elif how == "api_trace":
        req.update(method="POST", path="/api/trace")
        body = rng.choice(({"text": 123}, {"text": ["a"]}, {"id": {"a": 1}}, {"text": "x"},
                           {"text": "", "id": ""}, {"id": "../../etc/passwd"},
                           {"text": "short text", "top": -1}, {"text": "x", "top": 10**30},
                           {"text": "too few words here", "name": "../../../etc/passwd"},
                           {"id": "\u0000"}, {"id": "x" * 100_000}, None, [], "text"))
        if rng.random() < 0.3:
            req["content"] = rng.choice((b"{", b"[" * 50_000, b"\xff\xfe", b'{"text": "\\ud800"}',
                                         b"null", b'{"text": 1e99999}'))
            req["headers"] = {"content-type": "application/json"}
        else:
            req["json"] = body
    elif how in ("api_inspect", "upload_inspect", "api_ingest_files"):
        inp = _ingest_input(rng, s)
        name, data = inp.files[0]
        name = rng.choice((name, name, "../../etc/passwd", "a\x00b.html", "", "x" * 300 + ".html",
                           "CON", "..", "/etc/passwd", "x.html.gz", "<script>.html"))
        req["desc"] = inp.desc
        if how == "api_inspect":
            req.update(method="POST", path="/api/inspect",
                       json={"text": data.decode("utf-8", "replace"), "name": name})
        elif how == "upload_inspect":
            req.update(method="POST", path="/inspect", files={"file": (name, data)})
        else:
            files = [("files", (name, data))]
            for _ in range(rng.randint(0, 2)):
                extra = _ingest_input(rng, s)
                files.append(("files", extra.files[0]))
            req.update(method="POST", path="/api/ingest", files=files)
    elif how == "api_ingest_json":
        recs = [_hostile_record(rng, s.doc(rng)) for _ in range(rng.randint(1, 4))]
        req.update(method="POST", path="/api/ingest",
                   content=json.dumps({"articles": recs}).encode(),
                   headers={"content-type": "application/json"})
    elif how == "stored_xss":
        d = s.doc(rng)
        x = rng.choice(XSS)
        rid = f"xss-{rng.getrandbits(32):08x}"
        rec = {"id": rid, "title": f"{x} {d.title}", "url": rng.choice((x, d.url)),
               "site": x, "byline": x, "text": f"{x}\n\n{d.text}\n\n{x} marker{rid[4:]}"}
        req.update(method="POST", path="/api/ingest", json={"articles": [rec]}, follow=[
            f"/articles/{rid}", f"/api/articles/{rid}", f"/search?q=marker{rid[4:]}",
            f"/inspect/{rid}"])
    elif how == "methods":
        req.update(method=rng.choice(("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE")),
                   path=rng.choice(("/api/trace", "/api/ingest", "/", "/api/search", "/trace")))
    elif how == "params":
        path = rng.choice(("/search", "/api/search", "/", "/api/store"))
        req.update(path=path, params={
            rng.choice(("q", "limit", "site", "since", "until", "x")):
                rng.choice(("-1", "0", "abc", "1e99", "99999999999999999999", "<script>", "\x00",
                            "%", "x" * 10_000, _hostile_query(rng, s, allow_surrogates=False)))})
    else:
        req["path"] = rng.choice(("/%00", "/api/", "//", "/api/articles/", "/articles/%ff",
                                  "/" + "a" * 10_000, "/trace", "/api/trace", "/inspect/",
                                  "/openapi.json", "/docs", "/redoc", "/.git/config",
                                  "/api/articles/%2e%2e%2f%2e%2e%2fpyproject.toml"))
    return Input(desc=f"web {how} {req.get('method')} {str(req.get('path'))[:80]}",
                 target="web", request=req)


def gen_query(rng: random.Random, s: Seeds) -> Input:
    inp = _ingest_input(rng, s)
    return Input(desc=f"inspect: {inp.desc}", target="query", files=inp.files[:1])


def gen_trace(rng: random.Random, s: Seeds) -> Input:
    d = rng.choice(s.copies or s.docs)
    raw = html_page(d).encode() if rng.random() < 0.5 else f"{d.title}\n\n{d.text}".encode()
    _, other = s.valid(rng)
    out, ops = mutate(rng, raw, other, rng.choice((0, 1, 2, 3)))
    ext = ".html" if raw.startswith(b"<!doctype") else ".txt"
    return Input(desc=f"trace {d.id}{ext} mutated: {','.join(ops) or 'none'}", target="trace",
                 files=[(f"query{ext}", out)])


def gen_cli(rng: random.Random, s: Seeds, kind: str) -> Input:
    inp = _ingest_input(rng, s)
    name, data = inp.files[0]
    if kind in ("search", "search_bytes"):
        q: str | bytes = _hostile_query(rng, s, allow_surrogates=False)
        if kind == "search_bytes":
            q = rng.choice((b"\xff", b"caf\xe9", b"\xc3", b"harbour \xed\xa0\x80"))
        q = q[:100_000].replace("\x00" if isinstance(q, str) else b"\x00", "" if isinstance(
            q, str) else b"") or "harbour"
        return Input(desc=f"cli {kind} {q[:40]!r}", target="cli",
                     argv=["search", q, "--store", "{store}"])
    if kind == "trace_id":
        ident = rng.choice(TRAVERSAL[:-1] + XSS + ["x" * 5000, "-", "--help", "sha1:0"])
        return Input(desc=f"cli trace of a hostile id {ident[:40]!r}", target="cli",
                     argv=["trace", ident, "--store", "{store}", "--format", "json"])
    if kind == "ingest_folder":
        files = [(f"dir/{k}-{n}", b) for k, (n, b) in enumerate(
            [inp.files[0]] + [_ingest_input(rng, s).files[0] for _ in range(rng.randint(1, 5))])]
        files.append(("dir/.hidden/x.txt", b"hidden"))
        return Input(desc=f"cli ingest folder of {len(files)} hostile files", target="cli",
                     files=files, argv=["ingest", "{dir}", "--store", "{store}", "--quiet"])
    if kind == "ingest":
        argv: list[str | bytes] = ["ingest", "{file}", "--store", "{store}", "--quiet"]
    elif kind == "ingest_stdin":
        argv = ["ingest", "-", "--store", "{store}", "--quiet"]
    elif kind == "trace":
        argv = ["trace", "{file}", "--store", "{store}", "--format", "json", "--top", "2"]
    elif kind == "trace_stdin":
        argv = ["trace", "-", "--store", "{store}", "--format", "text", "--top", "2"]
    else:
        argv = ["inspect", "{file}", "--format", "json"]
    stdin = data if kind.endswith("stdin") else None
    return Input(desc=f"cli {kind}: {inp.desc}", target="cli", files=[(name, data)], argv=argv,
                 stdin=stdin)


GENERATORS: dict[str, Callable[[random.Random, Seeds], Input]] = {
    "mutate": gen_mutate, "random_bytes": gen_random_bytes, "compressed": gen_compressed,
    "warc": gen_warc, "encoding": gen_encoding, "nested": gen_nested, "entity": gen_entity,
    "records": gen_records, "search": gen_search, "web": gen_web, "query": gen_query,
    "trace": gen_trace,
}

_PROBE_BODY = ("The regional council voted on Tuesday to fund the repair of the harbour bridge, "
               "which has been closed to lorries since the storm in January. ") * 3


def _probe_surrogate() -> Input:
    line = json.dumps({"id": "probe-surrogate", "text": "Lone \ud800 half. " + _PROBE_BODY})
    return Input(desc="JSONL text with a lone surrogate escape (\\ud800)",
                 files=[("surrogate.jsonl", line.encode() + b"\n")], add_now=True,
                 expect="read and stored (surrogate replaced) or skipped with a reason")


def _probe_codec(codec: str) -> Callable[[], Input]:
    def build() -> Input:
        page = (f"<html><head><meta charset=\"{codec}\"><title>t</title></head><body><article>"
                f"<p>{_PROBE_BODY}</p></article></body></html>")
        return Input(desc=f"HTML declaring charset={codec} (a bytes-to-bytes codec)",
                     files=[(f"charset-{codec}.html", page.encode())],
                     expect="read as UTF-8 (the declared charset ignored)")
    return build


def _probe_search_bytes() -> Input:
    return Input(desc="wiretrace search with a non-UTF-8 argument (bytes 0xff)", target="cli",
                 argv=["search", b"caf\xe9", "--store", "{store}"], expect="exit 0, no hits")


def _probe_search(q: str, what: str) -> Callable[[], Input]:
    def build() -> Input:
        return Input(desc=f"Store.search and /api/search of {what}", target="search",
                     search={"q": q, "limit": 20}, expect="an answer (maybe no hits) in seconds")
    return build


def _probe_atom_deep() -> Input:
    inner = "<div>" * 5000 + _PROBE_BODY + "</div>" * 5000
    xml = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>t</title><content '
           f'type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{inner}</div></content>'
           "</entry></feed>")
    return Input(desc="Atom entry with XHTML content nested 5,000 deep",
                 files=[("deep.atom", xml.encode())], expect="read, or skipped with a reason")


def _probe_warc_bomb() -> Input:
    name, data = bomb("warc.gz", 400)
    return Input(desc=f"a {len(data):,}-byte .warc.gz whose one record inflates to 400 MB",
                 files=[(name, data)], expect="too_large, memory bounded by --max-mb")


def _probe_web_surrogate() -> Input:
    body = json.dumps({"text": "\ud800 " + _PROBE_BODY}).encode()  # JSON allows the escape
    return Input(desc="POST /api/inspect with a JSON text holding \\ud800", target="web",
                 request={"method": "POST", "path": "/api/inspect", "content": body,
                          "headers": {"content-type": "application/json"}},
                 expect="a report or a 422, not a 500")


def _probe_attributes() -> Input:
    attrs = " ".join(f'a{i}="{i}"' for i in range(60_000))
    page = (f"<html><head><title>t</title></head><body><article><span {attrs}>x</span>"
            f"<p>{_PROBE_BODY}</p></article></body></html>")
    return Input(desc="HTML page (0.9 MB) with one tag of 60,000 attributes",
                 files=[("attributes.html", page.encode())],
                 expect="read or skipped in seconds (libxml2 parses attributes in O(n^2))",
                 limit=TIMEOUTS["default"])


def _probe_deep_folder() -> Input:
    return Input(desc="a folder nested 1,500 levels deep, one text file at the bottom",
                 target="special", special="deep_dirs", expect="the file read, or skipped")


def _probe_fifo() -> Input:
    return Input(desc="wiretrace ingest of a FIFO with no writer", target="special",
                 special="fifo_cli", expect="skipped: not a regular file (exit 3)")


def _probe_deep_json() -> Input:
    depth = 990
    rec = json.dumps({"id": "probe-deep", "text": _PROBE_BODY})[:-1]
    line = rec + ', "extra": ' + '{"a":' * depth + "1" + "}" * depth + "}"
    return Input(desc=f"JSONL record with an extra field nested {depth} deep", add_now=True,
                 files=[("deep.jsonl", line.encode() + b"\n")],
                 expect="read and stored, or skipped with a reason")


# (name, builder): minimal reproducers of what earlier runs found; every run repeats them.
PROBES: list[tuple[str, Callable[[], Input]]] = [
    ("jsonl-lone-surrogate", _probe_surrogate),
    ("html-charset-rot13", _probe_codec("rot13")),
    ("html-charset-base64", _probe_codec("base64")),
    ("cli-search-non-utf8-arg", _probe_search_bytes),
    ("ingest-fifo", _probe_fifo),
    ("jsonl-deep-extra-field", _probe_deep_json),
    ("search-nul-byte", _probe_search("harbour\x00", "'harbour' + NUL")),
    ("search-repeated-word", _probe_search("that " * 1000, "one common word 1,000 times")),
    ("atom-xhtml-deep", _probe_atom_deep),
    ("warc-gz-record-bomb", _probe_warc_bomb),
    ("web-json-lone-surrogate", _probe_web_surrogate),
    ("html-60k-attributes", _probe_attributes),
    ("folder-1500-deep", _probe_deep_folder),
]


# -- running one case (inside a worker) ---------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    """What one case did. ``status``: ok (accepted), clean (refused with a named reason),
    crash (exception, 500, traceback, broken contract), hang, memory, died."""

    idx: int
    family: str
    target: str
    desc: str
    status: str = "ok"
    signature: str = ""
    message: str = ""
    trace: str = ""
    reasons: dict[str, int] = field(default_factory=dict)
    articles: int = 0
    nbytes: int = 0
    seconds: float = 0.0
    read_seconds: float = 0.0
    add_seconds: float = 0.0
    hwm_mb: float = 0.0
    rss_mb: float = 0.0
    probe: str = ""

    def fail(self, status: str, signature: str, message: str = "", trace: str = "") -> None:
        """Keep the worst finding: crash beats a bad error message, which beats clean."""
        rank = {"ok": 0, "clean": 1, "bad_error": 2, "crash": 3}
        if rank.get(status, 3) >= rank.get(self.status, 0):
            self.status, self.signature = status, signature
            self.message, self.trace = message[:500], trace[-4000:]

    def clean(self, reason: str) -> None:
        self.reasons[reason] = self.reasons.get(reason, 0) + 1
        if self.status == "ok":
            self.status = "clean"


class _ActiveContent(HTMLParser):
    """Finds what a browser would run: script-like elements, on* handlers, script URLs."""

    TAGS = frozenset({"script", "iframe", "object", "embed", "svg", "img", "base", "frame"})
    URL_ATTRS = frozenset({"href", "src", "action", "formaction", "srcset", "data", "poster"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            v = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=>")
            elif name in self.URL_ATTRS and v.startswith(("javascript:", "vbscript:",
                                                          "data:text")):
                self.found.append(f"<{tag} {name}={v[:30]}>")


def active_content(page: str) -> str:
    """The first thing in ``page`` that could run script, or '' (escaped text never does)."""
    parser = _ActiveContent()
    parser.feed(page)
    return parser.found[0] if parser.found else ""


def signature_of(exc: BaseException, stage: str) -> str:
    """``stage: Type at file:function`` of the innermost frame in wiretrace's own code."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/wiretrace/" in f.filename and "robustness" not in f.filename]
    f = (ours or frames or [None])[-1]
    where = f"{f.filename.split('/wiretrace/')[-1]}:{f.name}" if f else "?"
    return f"{stage}: {type(exc).__name__} at {where}"


def _status_hwm() -> tuple[float, float]:
    rss = hwm = 0.0
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    return rss, hwm


class Runner:
    """A worker's engine, web client and scratch folder; runs cases one at a time."""

    def __init__(self, store: Path, work: Path, seed: int, quick: bool) -> None:
        from fastapi.testclient import TestClient

        from wiretrace.engine import Wiretrace
        from wiretrace.web import create_app

        self.store, self.seed, self.quick = store, seed, quick
        self.engine = Wiretrace(store, create=False)
        self.engine.fingerprinter.full.encode(["Warm up."])  # not counted as a case's memory
        self.app = create_app(store, engine=self.engine, max_bytes=1024 * 1024)
        # the app answers only requests addressed to a local host name (DNS rebinding guard)
        self.client = TestClient(self.app, raise_server_exceptions=True,
                                 base_url="http://127.0.0.1")
        self.work = work
        self.work.mkdir(parents=True, exist_ok=True)
        self.seeds = Seeds()
        self.pending: list[tuple[int, Any]] = []
        self.late: list[tuple[int, str, str, str]] = []  # add failures of earlier cases
        self.child_file = work / "child.pid"

    # -- dispatch ---------------------------------------------------------------------
    def run(self, case: Case) -> Outcome:
        inp = make_input(case, self.seed, self.seeds, self.quick)
        out = Outcome(idx=case.idx, family=case.family, target=inp.target, desc=inp.desc,
                      nbytes=input_bytes(inp),
                      probe=PROBES[case.variant][0] if case.family == "probe" else "")
        folder = self.work / f"c{case.idx}"
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM: peak of this case
        base_rss = _status_hwm()[0]
        t0 = time.perf_counter()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for rel, data in inp.files:
                path = folder / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            handler = getattr(self, f"_{inp.target}")
            handler(inp, folder, out)
        except Exception as exc:  # the case itself broke a promise: record, go on
            out.fail("crash", signature_of(exc, inp.target), f"{type(exc).__name__}: {exc!s:.300}",
                     traceback.format_exc())
        finally:
            remove_tree(folder)
        out.seconds = time.perf_counter() - t0
        if inp.limit and out.seconds > inp.limit:
            out.fail("hang", f"{inp.target}: slower than {inp.limit:.0f} s",
                     f"{out.seconds:.1f} s: {inp.desc}")
        out.rss_mb, out.hwm_mb = _status_hwm()
        grew = out.hwm_mb - base_rss
        if grew > CASE_MEMORY_MB + 20 * out.nbytes / 2**20:
            out.fail("memory", f"{inp.target}: memory growth over {CASE_MEMORY_MB:.0f} MB "
                     "+ 20x the input", f"{grew:,.0f} MB for a {out.nbytes / 2**20:.2f} MB input: "
                     f"{inp.desc}")
        return out

    # -- readers ----------------------------------------------------------------------
    def _check_results(self, results: Iterator[Any], entry: Path, out: Outcome,
                       lol_in: int = 0) -> list[Any]:
        """Every result keeps the reader contract: ok with text, or failed naming the input.
        ``lol_in``: how often "lol" occurs in the input (more in an article = expansion)."""
        arts = []
        name = entry.name
        for k, res in enumerate(results):
            if k >= MAX_RESULTS:
                break
            if res.status == "ok":
                art = res.article
                if art is None or not isinstance(art.text, str) or not art.text.strip():
                    out.fail("crash", "read: ok result without article text")
                    continue
                if PASSWD in art.text or PASSWD in (art.title or ""):
                    out.fail("crash", "read: XXE leak (/etc/passwd in the article)")
                if art.text.count("lol") > max(5000, 10 * lol_in):
                    out.fail("crash", "read: entity expansion (billion laughs) in the article")
                arts.append(art)
            elif not res.reason or not re.fullmatch(r"[a-z_]+", res.reason):
                out.fail("bad_error", f"read: reason {res.reason!r} is not a slug",
                         res.detail or "")
            elif not res.detail or (name not in res.detail and "<stdin>" not in res.detail):
                out.fail("bad_error", f"read: {res.reason} message does not name the input",
                         res.detail or "")
            else:
                out.clean(res.reason)
        out.articles = len(arts)
        return arts

    def _read(self, inp: Input, folder: Path, out: Outcome) -> None:
        from wiretrace.ingest import read_path

        entry = folder / inp.files[0][0]
        t0 = time.perf_counter()
        try:
            lol_in = sum(b.count(b"lol") for _, b in inp.files)
            arts = self._check_results(read_path(entry), entry, out, lol_in)
        except Exception as exc:
            out.fail("crash", signature_of(exc, "read"), f"{type(exc).__name__}: {exc!s:.300}",
                     traceback.format_exc())
            return
        finally:
            out.read_seconds = time.perf_counter() - t0
        if inp.own_store:
            t1 = time.perf_counter()
            try:
                self._add_to_scratch_store(arts, folder)
            except Exception as exc:
                out.fail("crash", signature_of(exc, "add"), f"{type(exc).__name__}: {exc!s:.300}",
                         traceback.format_exc())
            out.add_seconds = time.perf_counter() - t1
            return
        self.pending.extend((out.idx, a) for a in arts)
        if inp.add_now:
            t1 = time.perf_counter()
            for failure in self.flush():
                if failure[0] == out.idx:
                    out.fail("crash", *failure[1:])
                else:
                    self.late.append(failure)
            out.add_seconds = time.perf_counter() - t1

    def _add_to_scratch_store(self, arts: list[Any], folder: Path) -> None:
        """``Wiretrace.add`` into a new store under ``folder``, with this worker's models."""
        import wiretrace.engine
        from wiretrace.engine import Wiretrace

        real = wiretrace.engine.Fingerprinter
        wiretrace.engine.Fingerprinter = lambda: self.engine.fingerprinter  # type: ignore[assignment,misc,return-value]
        try:
            scratch = Wiretrace(folder / "scratch-store", create=True)
        finally:
            wiretrace.engine.Fingerprinter = real  # type: ignore[misc]
        try:
            scratch.add(arts)
        finally:
            scratch.store.close()

    def flush(self) -> list[tuple[int, str, str, str]]:
        """Add the pending articles as ``wiretrace ingest`` does (one batch); when the batch
        fails, add them one at a time to find which input broke it."""
        from wiretrace.engine import prepare
        from wiretrace.store import IngestStats

        pending, self.pending = self.pending, []
        late, self.late = self.late, []
        if not pending:
            return late
        try:
            self.engine.add([a for _, a in pending], IngestStats())
            return late
        except Exception:
            pass  # attributed one by one below
        failures = []
        for idx, art in pending:
            try:
                prepared = prepare(art)
                if prepared.passages:
                    fps = self.engine.fingerprinter.fingerprint_many([prepared])
                    self.engine.store.add([prepared], fps, IngestStats())
            except Exception as exc:
                failures.append((idx, signature_of(exc, "add"),
                                 f"{type(exc).__name__}: {exc!s:.300}", traceback.format_exc()))
        with contextlib.suppress(Exception):
            self.engine.store.save_index()
        return late + failures

    # -- query, trace -----------------------------------------------------------------
    def _query(self, inp: Input, folder: Path, out: Outcome, trace: bool = False) -> None:
        from wiretrace.forensics.intrinsic import InspectError
        from wiretrace.forensics.intrinsic import inspect as run_inspect
        from wiretrace.ingest.query import QueryError, query_from_bytes
        from wiretrace.report import render_html, render_text, trace_report
        from wiretrace.report.inspect import inspect_report, render_inspect_text

        name, data = inp.files[0]
        try:
            q = query_from_bytes(data, name)
        except QueryError as exc:
            if name in str(exc):
                out.clean("query_error")
            else:
                out.fail("bad_error", "query: QueryError does not name the input", str(exc))
            return
        out.articles = 1
        try:
            report = inspect_report(run_inspect(q.article, raw_html=q.raw_html), source=q.name)
            render_inspect_text(report)
        except InspectError:
            out.clean("inspect_error")
        if trace:
            result = self.engine.trace(q.article, limit=3)
            rep = trace_report(result, self.engine.store.get)
            render_text(rep)
            page = render_html(rep, self.engine.store.get)
            if problem := active_content(page):
                out.fail("crash", "trace: active content in the HTML report", problem)

    def _trace(self, inp: Input, folder: Path, out: Outcome) -> None:
        self._query(inp, folder, out, trace=True)

    # -- search, web ------------------------------------------------------------------
    def _search(self, inp: Input, folder: Path, out: Outcome) -> None:
        p = dict(inp.search or {})
        q = p.pop("q")
        # SQLite can be interrupted: a search over its limit is a hang, and the worker lives on
        timer = threading.Timer(SEARCH_LIMIT, self.engine.store.db.interrupt)
        timer.start()
        try:
            self.engine.store.search(q, **p)
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                out.fail("hang", f"search: Store.search over {SEARCH_LIMIT:.0f} s (interrupted)",
                         f"{len(q)} characters, {len(q.split())} words")
                return
            out.fail("crash", signature_of(exc, "search"), f"{type(exc).__name__}: {exc!s:.200}",
                     traceback.format_exc())
        except Exception as exc:
            out.fail("crash", signature_of(exc, "search"), f"{type(exc).__name__}: {exc!s:.200}",
                     traceback.format_exc())
        finally:
            timer.cancel()
        if any(0xD800 <= ord(c) <= 0xDFFF for c in q):
            return  # not sendable over HTTP; the CLI path is probed with raw bytes
        # a URL holds at most 64 KiB per component (httpx): longer queries go in-process only
        params = {k: str(v)[:30_000] for k, v in {"q": q, **p}.items() if v is not None}
        for path in ("/api/search", "/search"):
            timer = threading.Timer(SEARCH_LIMIT, self.engine.store.db.interrupt)
            timer.start()
            try:
                self._request({"method": "GET", "path": path, "params": params}, out)
            finally:
                timer.cancel()

    def _request(self, req: dict[str, Any], out: Outcome) -> Any:
        kw: dict[str, Any] = {k: req[k] for k in ("params", "json", "content", "files", "headers")
                              if k in req}
        if "json" in kw and kw["json"] is None:
            kw.pop("json")
            kw["content"], kw["headers"] = b"null", {"content-type": "application/json"}
        try:
            r = self.client.request(req["method"], req["path"], **kw)
        except Exception as exc:
            if isinstance(exc, sqlite3.OperationalError) and "interrupted" in str(exc):
                out.fail("hang", f"web: {req['path']} over {SEARCH_LIMIT:.0f} s (interrupted)",
                         str(req.get("params", ""))[:200])
                return None
            out.fail("crash", signature_of(exc, "web"), f"{type(exc).__name__}: {exc!s:.200}",
                     traceback.format_exc())
            return None
        path = req["path"]
        body = r.text if req["method"] != "HEAD" else ""
        if r.status_code >= 500:
            out.fail("crash", f"web: {r.status_code} on {req['method']} {path.split('?')[0][:40]}",
                     body[:300])
        elif r.status_code >= 400:
            out.clean(f"http_{r.status_code}")
        if "content-security-policy" not in r.headers:
            out.fail("crash", "web: response without a CSP header", path)
        if PASSWD in body or "[tool.ruff]" in body or "import jinja2" in body:
            out.fail("crash", "web: file contents in the response (traversal)", path)
        if "Traceback (most recent call last)" in body:
            out.fail("crash", "web: traceback in the response", body[:300])
        ctype = r.headers.get("content-type", "")
        if ctype.startswith("text/html") and (problem := active_content(body)):
            out.fail("crash", "web: script or handler in an HTML page (XSS)", f"{path}: {problem}")
        sent = r.request.url.path  # httpx drops dot segments: /api/../x is sent as /x
        if sent.startswith("/api/") and r.status_code >= 400 and req["method"] != "HEAD":
            try:
                err = r.json()["error"]
                assert err["status"] == r.status_code and err["message"]
            except Exception:
                out.fail("bad_error", "web: API error not in the {error: {status, message}} shape",
                         body[:200])
        return r

    def _web(self, inp: Input, folder: Path, out: Outcome) -> None:
        req = dict(inp.request or {})
        r = self._request(req, out)
        for path in req.get("follow", []):
            if r is not None and r.status_code == 200:
                self._request({"method": "GET", "path": path}, out)

    # -- subprocesses: the CLI, special files ---------------------------------------------
    def _subprocess(self, argv: list[str | bytes], *, stdin: bytes | None, cwd: Path,
                    timeout: float, drop_caps: bool = False) -> tuple[int | None, str, str, float]:
        """Run one command in its own session; ``None`` as the code when it timed out.
        The child's pid is left in a file so the parent can end it if it kills this worker."""
        cmd: list[str | bytes] = [sys.executable, "-m", "wiretrace.cli", *argv]
        if drop_caps:
            cmd = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                   "--bounding-set=-dac_override,-dac_read_search", *cmd]
        with tempfile.TemporaryFile() as so, tempfile.TemporaryFile() as se:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin is not None else
                                    subprocess.DEVNULL, stdout=so, stderr=se, cwd=cwd,
                                    start_new_session=True,
                                    env={**os.environ, "PYTHONUNBUFFERED": "1"})
            self.child_file.write_text(str(proc.pid))
            t0 = time.perf_counter()
            try:
                if stdin is not None and proc.stdin is not None:
                    with contextlib.suppress(BrokenPipeError):
                        proc.stdin.write(stdin)
                    proc.stdin.close()
                code: int | None = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                code = None
            finally:
                self.child_file.unlink(missing_ok=True)
            so.seek(0)
            se.seek(0)
            return (code, so.read().decode("utf-8", "replace"),
                    se.read().decode("utf-8", "replace"), time.perf_counter() - t0)

    def _cli(self, inp: Input, folder: Path, out: Outcome, drop_caps: bool = False) -> None:
        entry = folder / inp.files[0][0] if inp.files else folder
        subst = {"{store}": str(self.store), "{file}": str(entry),
                 "{dir}": str(folder / "dir")}
        argv = [subst.get(a, a) if isinstance(a, str) else a for a in inp.argv or []]
        code, stdout, stderr, secs = self._subprocess(argv, stdin=inp.stdin, cwd=folder,
                                                      timeout=CLI_TIMEOUT, drop_caps=drop_caps)
        out.read_seconds = secs
        name = ("<stdin>" if inp.stdin is not None else "/dir/" if "{dir}" in (inp.argv or [])
                else entry.name if inp.files else "")
        judge_cli(out, code, stdout, stderr, name)

    def _special(self, inp: Input, folder: Path, out: Outcome) -> None:
        from wiretrace.ingest import read_path

        kind = inp.special or ""
        path = make_special(kind, folder)
        if kind.endswith("_cli"):
            argv: list[str | bytes] = ["ingest", str(path), "--store", str(self.store), "--quiet"]
            code, stdout, stderr, secs = self._subprocess(
                argv, stdin=None, cwd=folder, timeout=TIMEOUTS["special"] - 5,
                drop_caps=kind.startswith("unreadable"))
            out.read_seconds = secs
            judge_cli(out, code, stdout, stderr, path.name)
        elif kind.startswith("unreadable"):
            code, stdout, stderr, secs = self._unprivileged_read(path, folder)
            out.read_seconds = secs
            if code is None:
                out.fail("hang", "special: read_path hangs on an unreadable path")
            elif code != 0:
                out.fail("crash", cli_signature(stderr, "read"), stderr[-300:], stderr)
            else:
                for res in json.loads(stdout):
                    if path.name not in (res["detail"] or ""):
                        out.fail("bad_error", f"read: {res['reason']} unnamed", res["detail"])
                    else:
                        out.clean(res["reason"])
        else:
            self._check_results(read_path(path), path, out)
        if out.status == "ok" and kind not in ("dir_named_html", "deep_dirs", "fifo_in_folder",
                                               "dir_loop"):
            out.fail("bad_error", f"special: {kind} read as an article")

    def _unprivileged_read(self, path: Path, cwd: Path) -> tuple[int | None, str, str, float]:
        code = ("import json,sys\nfrom wiretrace.ingest import read_path\n"
                "print(json.dumps([{'reason': r.reason, 'detail': r.detail} "
                "for r in read_path(sys.argv[1])]))")
        cmd = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
               "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-c", code,
               str(path)]
        t0 = time.perf_counter()
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd,
                               timeout=TIMEOUTS["special"] - 5)
        except subprocess.TimeoutExpired:
            return None, "", "", time.perf_counter() - t0
        return r.returncode, r.stdout, r.stderr, time.perf_counter() - t0


def make_special(kind: str, folder: Path) -> Path:
    """Create the special file ``kind`` under ``folder``; the path to give the reader."""
    base = kind.removesuffix("_cli")
    p = folder / "special"
    if base in ("fifo", "fifo_jsonl"):
        p = folder / ("pipe.jsonl" if base == "fifo_jsonl" else "pipe.html")
        os.mkfifo(p)
    elif base == "fifo_in_folder":
        p = folder / "in"
        p.mkdir()
        (p / "a.txt").write_text(_PROBE_BODY)
        os.mkfifo(p / "b.txt")
    elif base == "socket":
        p = folder / "sock.txt"
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(p))
        s.close()
    elif base == "symlink_loop":
        (folder / "a.txt").symlink_to(folder / "b.txt")
        (folder / "b.txt").symlink_to(folder / "a.txt")
        p = folder / "a.txt"
    elif base == "self_link":
        p = folder / "self.txt"
        p.symlink_to(p)
    elif base == "dangling":
        p = folder / "gone.txt"
        p.symlink_to(folder / "nowhere")
    elif base in ("dev_zero", "dev_urandom"):
        p = folder / "zero.txt"
        p.symlink_to("/dev/zero" if base == "dev_zero" else "/dev/urandom")
    elif base == "dir_loop":
        p = folder / "loop"
        p.mkdir()
        (p / "a.txt").write_text(_PROBE_BODY)
        (p / "again").symlink_to(p)
    elif base == "deep_dirs":
        p = folder / "deep"
        d = p
        p.mkdir()
        for _ in range(1500):  # one level at a time: pathlib's parents=True recurses
            d = d / "d"
            d.mkdir()
        (d / "a.txt").write_text(_PROBE_BODY)
    elif base in ("sparse_jsonl", "sparse_text"):
        p = folder / ("sparse.jsonl" if base == "sparse_jsonl" else "sparse.txt")
        with p.open("wb") as fh:
            fh.truncate(30 * 1024**3)
    elif base == "dir_named_html":
        p = folder / "page.html"
        p.mkdir()
    elif base in ("unreadable_file", "unreadable"):
        p = folder / "secret.txt"
        p.write_text(_PROBE_BODY)
        p.chmod(0)
    elif base == "unreadable_dir":
        p = folder / "locked"
        p.mkdir()
        (p / "a.txt").write_text(_PROBE_BODY)
        p.chmod(0)
    return p


def cli_signature(stderr: str, stage: str) -> str:
    """``stage: Type at file:function`` from a traceback printed by a subprocess."""
    frames = re.findall(r'File "([^"]+)", line \d+, in (\S+)', stderr)
    ours = [f for f in frames if "/wiretrace/" in f[0]]
    f = (ours or frames or [("?", "?")])[-1]
    last = [ln for ln in stderr.strip().splitlines() if re.match(r"^[\w.]+(Error|Exception)", ln)]
    exc = last[-1].split(":")[0].rsplit(".", 1)[-1] if last else "error"
    return f"{stage}: {exc} at {f[0].split('/wiretrace/')[-1]}:{f[1]}"


def judge_cli(out: Outcome, code: int | None, stdout: str, stderr: str, name: str) -> None:
    """Exit 0, 2 or 3 with a message (3 naming the input) is kept; 1, 4 or a traceback is not."""
    if code is None:
        out.fail("hang", f"cli: {out.desc.split(':')[0]} does not finish", stderr[-300:])
    elif "Traceback (most recent call last)" in stderr or code == 1 or code < 0:
        out.fail("crash", cli_signature(stderr, "cli"), stderr[-300:], stderr)
    elif code == 4:
        out.fail("crash", "cli: exit 4 (store problem) during the run", stderr[-300:])
    elif code in (2, 3):
        if name and code == 3 and name not in stderr:
            out.fail("bad_error", "cli: exit 3 without naming the input", stderr[-300:])
        else:
            out.clean(f"exit_{code}")
    else:
        skipped = re.findall(r"skipped: .*", stderr)
        for line in skipped:
            out.clean("skipped")
            if name and name not in line and "…" not in line:
                out.fail("bad_error", "cli: skipped line without the input's name", line)


# -- workers and the watchdog (parent side) ------------------------------------------------------


def worker_main(conn: Connection, store: str, work: str, seed: int, quick: bool) -> None:
    """Worker process: build a Runner, then run what the parent sends until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.simplefilter("ignore", DeprecationWarning)
    logging.getLogger("wiretrace.web").setLevel(logging.CRITICAL)  # 500s are counted, not logged
    t0 = time.perf_counter()
    runner = Runner(Path(store), Path(work), seed, quick)
    conn.send({"type": "ready", "seconds": time.perf_counter() - t0})
    while True:
        msg = conn.recv()
        if msg["type"] == "stop":
            conn.send({"type": "flushed", "failures": runner.flush()})
            return
        if msg["type"] == "flush":
            conn.send({"type": "flushed", "failures": runner.flush()})
        else:
            conn.send({"type": "done", "outcome": asdict(runner.run(Case(**msg["case"])))})


class Worker:
    """One worker process as the parent sees it: what it is doing and until when."""

    def __init__(self, k: int, args: argparse.Namespace, store: Path, work: Path) -> None:
        self.k, self.args, self.store, self.work = k, args, store, work / f"w{k}"
        self.proc: Any = None
        self.conn: Connection | None = None
        self.job: dict[str, Any] | None = None  # {"kind", "case", "deadline", "started"}
        self.since_flush = 0
        self.restarts = 0
        self.peak_rss = 0.0

    def start(self) -> None:
        remove_tree(self.work)
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child, str(self.store), str(self.work),
                                                          self.args.seed, self.args.quick),
                                daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent
        self.job = {"kind": "start", "deadline": time.monotonic() + 300, "started":
                    time.monotonic()}
        self.since_flush = 0

    def send(self, kind: str, case: Case | None = None) -> None:
        assert self.conn is not None
        timeout = case.timeout * self.args.timeout_scale if case else 300.0
        self.job = {"kind": kind, "case": case, "started": time.monotonic(),
                    "deadline": time.monotonic() + timeout}
        self.conn.send({"type": kind, "case": asdict(case) if case else None})

    def kill(self) -> None:
        child = self.work / "child.pid"
        with contextlib.suppress(OSError, ValueError, ProcessLookupError):
            os.killpg(int(child.read_text()), signal.SIGKILL)
        if self.proc is not None and self.proc.is_alive():
            self.proc.kill()
            self.proc.join(10)
        self.proc, self.conn, self.job = None, None, None
        self.restarts += 1

    def rss_mb(self) -> float:
        if self.proc is None:
            return 0.0
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0


def run_cases(cases: list[Case], args: argparse.Namespace, store: Path, work: Path,
              seeds: Seeds) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Feed the cases to the workers, watch time and memory, restart what dies."""
    queue = deque(cases)
    outcomes: dict[int, dict[str, Any]] = {}
    add_failures: list[tuple[int, str, str, str]] = []
    workers = [Worker(k, args, store, work) for k in range(args.workers)]
    log = (work / "outcomes.jsonl").open("w", encoding="utf-8")
    t_start = time.monotonic()
    last_report = 0
    stopping: set[int] = set()

    def record(o: dict[str, Any]) -> None:
        outcomes[o["idx"]] = o
        log.write(json.dumps(o) + "\n")
        log.flush()

    def lost(w: Worker, status: str, why: str) -> None:
        job = w.job or {}
        case = job.get("case")
        if case is not None:
            inp = make_input(case, args.seed, seeds, args.quick)
            record(asdict(Outcome(
                idx=case.idx, family=case.family, target=inp.target, desc=inp.desc,
                status=status, nbytes=input_bytes(inp),
                signature=f"{inp.target}: {why}", seconds=time.monotonic() - job["started"],
                probe=PROBES[case.variant][0] if case.family == "probe" else "")))
        elif job.get("kind") == "flush":
            add_failures.append((-1, f"add: {why} in a batched add", "", ""))
        w.kill()

    while queue or any(w.job for w in workers) or len(stopping) < len(workers):
        for w in workers:
            if w.k in stopping:
                continue
            if w.proc is None:
                if not queue:
                    stopping.add(w.k)
                    continue
                if w.restarts > args.max_restarts:
                    raise SystemExit(f"worker {w.k} restarted {w.restarts} times: giving up")
                w.start()
            if w.job is None:
                if w.since_flush >= FLUSH_EVERY:
                    w.send("flush")
                    w.since_flush = 0
                elif queue:
                    w.send("case", queue.popleft())
                else:
                    w.send("stop")
        conns = [w.conn for w in workers if w.job and w.conn is not None]
        for conn in wait(conns, timeout=0.05) if conns else []:
            w = next(x for x in workers if x.conn is conn)
            try:
                msg = conn.recv()  # type: ignore[union-attr]
            except (EOFError, OSError):
                lost(w, "died", f"worker died (exit {w.proc.exitcode if w.proc else '?'})")
                continue
            kind = w.job["kind"] if w.job else ""
            if msg["type"] == "done":
                record(msg["outcome"])
                w.since_flush += 1
                w.job = None
            elif msg["type"] == "flushed":
                add_failures.extend(msg["failures"])
                if kind == "stop":
                    stopping.add(w.k)
                    w.proc.join(30)
                w.job = None
            elif msg["type"] == "ready":
                w.job = None
        now = time.monotonic()
        for w in workers:
            if not w.job or w.proc is None:
                continue
            rss = w.rss_mb()
            w.peak_rss = max(w.peak_rss, rss)
            if rss > args.mem_mb:
                lost(w, "memory", f"over {args.mem_mb} MB of memory")
            elif now > w.job["deadline"]:
                what = w.job["kind"]
                secs = (w.job["case"].timeout * args.timeout_scale) if w.job.get("case") else 300
                lost(w, "hang", f"no answer within {secs:.0f} s" +
                     ("" if what == "case" else f" ({what})"))
        done = len(outcomes)
        if done - last_report >= 200 or (not queue and done == len(cases) and last_report != done):
            last_report = done
            counts = Counter(o["status"] for o in outcomes.values())
            el = now - t_start
            eta = el / max(done, 1) * (len(cases) - done)
            print(f"  {done}/{len(cases)} in {el:.0f} s (eta {eta:.0f} s): "
                  + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)
    log.close()
    for idx, sig, msg, tb in add_failures:
        if idx in outcomes:
            o = outcomes[idx]
            o.update(status="crash", signature=sig, message=msg[:500], trace=tb[-4000:])
    with (work / "outcomes-final.jsonl").open("w", encoding="utf-8") as fh:  # to re-render
        fh.writelines(json.dumps(outcomes[i]) + "\n" for i in sorted(outcomes))
    extra = {"workers": args.workers, "restarts": sum(w.restarts for w in workers),
             "peak_worker_rss_mb": round(max((w.peak_rss for w in workers), default=0), 1),
             "seconds": round(time.monotonic() - t_start, 1),
             "batch_add_failures_unattributed": [f[1] for f in add_failures if f[0] < 0]}
    return [outcomes[i] for i in sorted(outcomes)], extra


# -- the store before and after ------------------------------------------------------------------


def _cli(args: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wiretrace.cli", *args], capture_output=True,
                          text=True, **kw)


def prefill(store: Path, work: Path, seeds: Seeds) -> dict[str, Any]:
    """Fill the store before the run (demo originals and ECB+ articles) with the CLI."""
    src = work / "prefill.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for d in seeds.docs:
            fh.write(json.dumps(record(d)) + "\n")
        for d in _jsonl(SHARED / "ecbplus" / "articles.jsonl")[40:240]:
            fh.write(json.dumps({"id": f"ecb-{d['id']}", "url": d.get("url"),
                                 "text": d["text"]}) + "\n")
    t0 = time.perf_counter()
    r = _cli(["ingest", str(src), "--store", str(store), "--quiet"])
    if r.returncode != 0:
        raise SystemExit(f"prefill failed: {r.stderr[-2000:]}")
    return {"seconds": round(time.perf_counter() - t0, 1), "summary": json.loads(r.stdout)}


def snapshot(store: Path) -> dict[str, Any]:
    """Counts, integrity checks and a hash of every stored text, read with sqlite3 alone."""
    con = sqlite3.connect(str(store / "wiretrace.sqlite"), timeout=120)
    try:
        integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
        try:
            con.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
            fts = "ok"
        except sqlite3.Error as e:
            fts = str(e)
        texts = {i: hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest()
                 for i, t in con.execute("SELECT id, text FROM articles")}
        passages = con.execute("SELECT count(*) FROM passages").fetchone()[0]
    finally:
        con.close()
    return {"articles": len(texts), "passages": passages, "integrity": integrity,
            "fts_integrity": fts, "texts": texts}


_AFTER = """
import json, sys
from wiretrace.engine import Wiretrace
from wiretrace.demo import CORPUS, load_jsonl, to_article
wt = Wiretrace(sys.argv[1], create=False)
wt.store._sync_index()
copy = next(d for d in load_jsonl(CORPUS / "copies.jsonl") if d["id"] == "copy-2-spun")
res = wt.trace(to_article(copy), limit=5)
print(json.dumps({"index_vectors": int(wt.store._index.ntotal),
                  "passages": wt.store.n_passages(),
                  "trace_top_source": res.sources[0].source_id if res.sources else None,
                  "search_hits": len(wt.store.search("Rotterdam dockworkers", limit=5))}))
"""


def check_store(store: Path, before: dict[str, Any]) -> dict[str, Any]:
    """Nothing stored before the run lost or changed; integrity; the index catches up."""
    after = snapshot(store)
    lost = [i for i in before["texts"] if i not in after["texts"]]
    changed = [i for i in before["texts"] if i in after["texts"]
               and after["texts"][i] != before["texts"][i]]
    r = subprocess.run([sys.executable, "-c", _AFTER, str(store)], capture_output=True,
                       text=True, timeout=600)
    engine = json.loads(r.stdout) if r.returncode == 0 else {"error": r.stderr[-1500:]}
    leftovers = sorted(p.name for p in store.iterdir() if p.name.endswith(".tmp"))
    ok = (not lost and not changed and after["integrity"] == ["ok"]
          and after["fts_integrity"] == "ok" and engine.get("trace_top_source")
          == "meridian-rotterdam-port-strike"
          and engine.get("index_vectors") == engine.get("passages"))
    return {
        "ok": ok,
        "before": {k: v for k, v in before.items() if k != "texts"},
        "after": {k: v for k, v in after.items() if k != "texts"},
        "articles_before_lost": lost[:20], "articles_before_changed": changed[:20],
        "lost_count": len(lost), "changed_count": len(changed),
        "engine_after": engine, "temp_files_left": leftovers[:20],
    }


# -- the report ---------------------------------------------------------------------------------


def summarise(outcomes: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    statuses = Counter(o["status"] for o in outcomes)
    families: dict[str, Counter[str]] = {}
    for o in outcomes:
        families.setdefault(o["family"], Counter())[o["status"]] += 1
    reasons: Counter[str] = Counter()
    for o in outcomes:
        reasons.update(o["reasons"])
    undocumented = {r: n for r, n in reasons.items() if r not in KNOWN_REASONS
                    and not r.startswith(("http_", "exit_")) and r not in (
                        "query_error", "inspect_error", "skipped")}
    findings: dict[str, dict[str, Any]] = {}
    for o in outcomes:
        if o["status"] in ("ok", "clean"):
            continue
        f = findings.setdefault(o["signature"], {
            "signature": o["signature"], "status": o["status"], "count": 0, "families": Counter(),
            "cases": [], "example": {"idx": o["idx"], "desc": o["desc"],
                                     "message": o["message"], "trace": o["trace"][-2500:]}})
        f["count"] += 1
        f["families"][o["family"]] += 1
        if len(f["cases"]) < 8:
            f["cases"].append(o["idx"])
    for f in findings.values():
        f["families"] = dict(f["families"])
        ex = f["example"]["idx"]
        f["replay"] = (f"python bench/robustness.py --seed {args.seed} --n {args.n}"
                       f"{' --quick' if args.quick else ''} --replay {ex}")
    reads = [o for o in outcomes if o["target"] in ("read", "special") and o["nbytes"]]
    mb = sum(o["nbytes"] for o in reads) / 1e6
    read_s = sum(o["read_seconds"] for o in reads)
    giants = [{"desc": o["desc"], "mb": round(o["nbytes"] / 1e6, 1), "status": o["status"],
               "read_s": round(o["read_seconds"], 2), "add_s": round(o["add_seconds"], 2),
               "s_per_mb": round((o["read_seconds"] + o["add_seconds"]) / max(o["nbytes"] / 1e6,
                                                                             1e-9), 2),
               "peak_mb": round(o["hwm_mb"])} for o in outcomes if o["family"] == "giant"]
    slow = sorted((o for o in outcomes if o["status"] in ("ok", "clean")),
                  key=lambda o: -o["seconds"])[:8]
    peak = sorted(outcomes, key=lambda o: -o["hwm_mb"])[:5]
    probes = [{"probe": o["probe"], "status": o["status"], "signature": o["signature"],
               "desc": o["desc"], "message": o["message"][:200],
               "seconds": round(o["seconds"], 1),
               "expect": next((b().expect for n, b in PROBES if n == o["probe"]), "")}
              for o in outcomes if o["family"] == "probe"]
    secs = sorted(o["seconds"] for o in outcomes)
    return {
        "inputs": len(outcomes), "statuses": dict(statuses),
        "families": {k: dict(v) for k, v in sorted(families.items())},
        "clean_reasons": dict(reasons.most_common()),
        "undocumented_reasons": undocumented,
        "findings": sorted(findings.values(), key=lambda f: (-f["count"], f["signature"])),
        "probes": probes,
        "time": {"median_s": round(secs[len(secs) // 2], 3) if secs else 0,
                 "p99_s": round(secs[int(len(secs) * 0.99)], 3) if secs else 0,
                 "read_mb": round(mb, 1), "read_seconds": round(read_s, 1),
                 "read_seconds_per_mb": round(read_s / mb, 2) if mb else None,
                 "slowest": [{"idx": o["idx"], "desc": o["desc"], "s": round(o["seconds"], 2)}
                             for o in slow]},
        "giants": giants,
        "memory": {"peak_case_mb": round(peak[0]["hwm_mb"]) if peak else 0,
                   "top": [{"idx": o["idx"], "desc": o["desc"], "peak_mb": round(o["hwm_mb"])}
                           for o in peak]},
    }


def write_report(out: Path, result: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "robustness.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    s, st, cfg = result["summary"], result["store"], result["config"]
    lines = [
        "# Robustness fuzz run",
        "",
        f"`bench/robustness.py --n {cfg['n']} --seed {cfg['seed']}"
        f"{' --quick' if cfg['quick'] else ''}` on commit `{cfg['commit']}` ({cfg['date']}, "
        f"{cfg['workers']} workers, {cfg['cpus']} CPUs shared with other jobs): "
        f"{s['inputs']:,} hostile inputs in {result['run']['seconds'] / 60:.1f} min.",
        "",
        "| inputs | accepted | clean errors | crashes | bad error messages | hangs | memory | "
        "workers died |",
        "|---|---|---|---|---|---|---|---|",
        "| {:,} | {:,} | {:,} | {:,} | {:,} | {:,} | {:,} | {:,} |".format(
            s["inputs"], *(s["statuses"].get(k, 0) for k in
                           ("ok", "clean", "crash", "bad_error", "hang", "memory", "died"))),
        "",
        "*accepted*: read, answered or stored; *clean error*: refused with a reason that names "
        "the input (reader reasons, CLI exit 2/3, HTTP 4xx); *crash*: an exception out of a "
        "reader or the engine, a CLI traceback or exit 1, an HTTP 500, or a broken promise "
        "(script in a page, file contents served, /etc/passwd in an article); *hang*: no "
        f"answer within the case's limit ({TIMEOUTS['default']:.0f} s for a small input, "
        f"30 s + {GIANT_SECONDS_PER_MB:.0f} s/MB for a giant one); *memory*: over "
        f"{cfg['mem_mb']:,} MB.",
        "",
        "## Findings",
        "",
    ]
    if not s["findings"]:
        lines.append("None: every input was accepted or refused cleanly.")
    for f in s["findings"]:
        ex = f["example"]
        lines += [f"- **{f['signature']}** ({f['status']}, {f['count']} inputs; "
                  + ", ".join(f"{k} {v}" for k, v in f["families"].items()) + ")",
                  f"  e.g. case {ex['idx']}: {ex['desc']}"
                  + (f" — `{ex['message'][:160]}`" if ex["message"] else ""),
                  f"  replay: `{f['replay']}`"]
    lines += ["", "## Known reproducers (probes, run every time)", "",
              "| probe | input | expected | this run |", "|---|---|---|---|"]
    for p in s["probes"]:
        expect = p.get("expect") or next((b().expect for n, b in PROBES if n == p["probe"]), "")
        got = p["status"] if p["status"] in ("ok", "clean") else f"**{p['status']}**: " \
            f"{p['signature']}"
        got += f" ({p.get('seconds', 0):.1f} s)"
        lines.append(f"| {p['probe']} | {p['desc']} | {expect} | {got} |")
    lines += ["", "## By family", "", "| family | inputs | accepted | clean | crash | bad msg | "
              "hang | memory | died |", "|---|---|---|---|---|---|---|---|---|"]
    for fam, c in s["families"].items():
        lines.append(f"| {fam} | {sum(c.values()):,} | " + " | ".join(
            f"{c.get(k, 0):,}" for k in ("ok", "clean", "crash", "bad_error", "hang", "memory",
                                        "died")) + " |")
    t = s["time"]
    lines += ["", "Clean errors by reason (per result: a feed, JSONL or WARC file gives one per "
              "item): " + ", ".join(
        f"{k} {v:,}" for k, v in list(s["clean_reasons"].items())[:25]) + "."]
    if s["undocumented_reasons"]:
        lines += ["", "Reader reasons not in the readers' documented list (`wiretrace.ingest`): "
                  + ", ".join(f"`{k}` {v:,}" for k, v in s["undocumented_reasons"].items())
                  + "."]
    lines += ["",
        "## Time and memory", "",
        f"- Per input: median {t['median_s']} s, p99 {t['p99_s']} s (wall, loaded machine).",
        f"- Readers: {t['read_mb']} MB read in {t['read_seconds']} s: "
        f"{t['read_seconds_per_mb']} s per MB over all file inputs.",
        f"- Peak memory of one case (worker's resident peak, engine and models included): "
        f"{s['memory']['peak_case_mb']:,} MB; of any worker: "
        f"{result['run']['peak_worker_rss_mb']:,} MB.", "",
        "| giant input | MB | outcome | read s | add s | s/MB | peak MB |",
        "|---|---|---|---|---|---|---|"]
    for g in s["giants"]:
        lines.append(f"| {g['desc']} | {g['mb']} | {g['status']} | {g['read_s']} | {g['add_s']} "
                     f"| {g['s_per_mb']} | {g['peak_mb']:,} |")
    b, a = st["before"], st["after"]
    lines += [
        "", "## The store before and after", "",
        f"- Before: {b['articles']:,} articles, {b['passages']:,} passages (demo originals and "
        "ECB+ articles, ingested with the CLI).",
        f"- After: {a['articles']:,} articles, {a['passages']:,} passages; integrity "
        f"{', '.join(a['integrity'])}, FTS5 {a['fts_integrity']}.",
        f"- Articles stored before the run lost: {st['lost_count']}, changed: "
        f"{st['changed_count']}.",
        f"- After the run: vector index {st['engine_after'].get('index_vectors')} vectors for "
        f"{st['engine_after'].get('passages')} passages; a known copy still traces to "
        f"`{st['engine_after'].get('trace_top_source')}`; temporary files left: "
        f"{len(st['temp_files_left'])}.",
        f"- Verdict: {'nothing lost, store intact' if st['ok'] else '**store check failed**'}.",
        "", "## Reproduce", "",
        "`--replay IDX` runs one case in the foreground and prints its outcome and traceback; "
        "`--dump IDX DIR` writes its input files. Both need the run's `--n`, `--seed` and "
        "`--quick`.", ""]
    (out / "robustness.md").write_text("\n".join(lines), encoding="utf-8")


# -- main ---------------------------------------------------------------------------------------


def _git_commit() -> str:
    r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                       cwd=REPO)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], capture_output=True,
                           text=True, cwd=REPO).stdout.strip()
    return r.stdout.strip() + ("+uncommitted src changes" if dirty else "")


def replay(args: argparse.Namespace) -> int:
    """Run one case here, in the foreground, against a fresh prefilled store."""
    seeds = Seeds()
    cases = plan(args.n, args.seed, args.quick)
    case = cases[args.replay]
    inp = make_input(case, args.seed, seeds, args.quick)
    print(f"case {case.idx} ({case.family}): {inp.desc}", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="wiretrace-replay-"))
    store = Path(args.store) if args.store else work / "store"
    if not args.store:
        prefill(store, work, Seeds() if not args.small_store else _small(seeds))
    runner = Runner(store, work / "w", args.seed, args.quick)
    out = runner.run(case)
    for idx, sig, msg, tb in runner.flush():
        if idx == out.idx:
            out.fail("crash", sig, msg, tb)
    print(json.dumps({k: v for k, v in asdict(out).items() if k != "trace"}, indent=2,
                     ensure_ascii=False))
    if out.trace:
        print(out.trace, file=sys.stderr)
    remove_tree(work)
    return 0 if out.status in ("ok", "clean") else 1


def _small(seeds: Seeds) -> Seeds:
    seeds.docs = seeds.docs[:16]
    return seeds


def dump(args: argparse.Namespace) -> int:
    idx, folder = args.dump
    case = plan(args.n, args.seed, args.quick)[int(idx)]
    inp = make_input(case, args.seed, Seeds(), args.quick)
    for rel, data in inp.files:
        path = Path(folder) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(json.dumps({"desc": inp.desc, "target": inp.target, "files": [r for r, _ in inp.files],
                      "search": inp.search, "argv": [a if isinstance(a, str) else repr(a)
                                                     for a in inp.argv or []],
                      "special": inp.special}, default=repr, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=None, help="inputs (default 10000; 300 --quick)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--quick", action="store_true", help="few inputs, small giants")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--mem-mb", type=int, default=4096, help="kill a case above this RSS")
    ap.add_argument("--timeout-scale", type=float, default=1.0,
                    help="multiply every per-case time limit (slow machines)")
    ap.add_argument("--max-restarts", type=int, default=200,
                    help="give up when one worker had to be replaced this often")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temp)")
    ap.add_argument("--store", default=None, help="--replay only: use this store")
    ap.add_argument("--small-store", action="store_true", help="--replay: demo docs only")
    ap.add_argument("--replay", type=int, default=None, metavar="IDX")
    ap.add_argument("--dump", nargs=2, default=None, metavar=("IDX", "DIR"))
    args = ap.parse_args(argv)
    if args.n is None:
        args.n = 300 if args.quick else 10_000
    if args.replay is not None:
        return replay(args)
    if args.dump is not None:
        return dump(args)

    work = args.work or Path(tempfile.mkdtemp(prefix="wiretrace-robustness-"))
    work.mkdir(parents=True, exist_ok=True)
    store = work / "store"
    seeds = Seeds()
    cases = plan(args.n, args.seed, args.quick)
    print(f"robustness: {len(cases)} cases, seed {args.seed}, work {work}", file=sys.stderr)
    pre = prefill(store, work, seeds)
    before = snapshot(store)
    outcomes, run = run_cases(cases, args, store, work, seeds)
    store_check = check_store(store, before)
    result = {
        "schema": SCHEMA,
        "config": {"n": args.n, "seed": args.seed, "quick": args.quick, "workers": args.workers,
                   "mem_mb": args.mem_mb, "timeout_scale": args.timeout_scale,
                   "commit": _git_commit(), "date": time.strftime("%Y-%m-%d %H:%M UTC",
                                                                 time.gmtime()),
                   "cpus": os.cpu_count(), "python": platform.python_version(),
                   "timeouts_s": TIMEOUTS, "giant_seconds_per_mb": GIANT_SECONDS_PER_MB},
        "prefill": pre, "run": run, "summary": summarise(outcomes, args), "store": store_check,
    }
    write_report(args.out, result)
    print(f"wrote {args.out / 'robustness.md'}", file=sys.stderr)
    if args.work is None:
        remove_tree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
