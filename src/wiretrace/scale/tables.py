"""Scan output back into the embedded store, so the CLI and the web app browse it.

``wiretrace ingest SCAN_OUTPUT`` lands here: the ``articles`` table goes in with the
fingerprints the scan computed (nothing is fingerprinted twice; the store's own identity
check refuses a scan made with other settings), in the scan's order, so the store drops
the same duplicates the scan dropped; ``relations`` go to the store's relations table
(``copy_id`` = the article in the copy's seat, as ``trace`` saves them). Needs pyarrow
(``pip install 'wiretrace[spark]'``), not Spark.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from wiretrace.engine import Wiretrace
    from wiretrace.store import IngestStats

MANIFEST = Path("_scan") / "manifest.json"


def is_scan_output(path: str | Path) -> bool:
    p = Path(path)
    return p.is_dir() and (p / MANIFEST).is_file()


def _pyarrow() -> Any:
    try:
        import pyarrow.dataset as ds
    except ImportError as exc:
        raise ImportError("reading scan output needs pyarrow: pip install 'wiretrace[spark]'"
                          ) from exc
    return ds


def scan_rows(path: str | Path, table: str, columns: list[str] | None = None
              ) -> Iterator[dict[str, Any]]:
    """Rows of one output table (``articles``, ``relations``, ``stories``, ``failures``)."""
    ds = _pyarrow()
    folder = Path(path) / table
    if not folder.exists():
        return
    data = ds.dataset(str(folder), format="parquet", partitioning="hive")
    for batch in data.to_batches(columns=columns, batch_size=1024):
        yield from batch.to_pylist()


def ingest_scan(engine: Wiretrace, path: str | Path, stats: IngestStats,
                batch: int = 256, on_batch: Callable[[IngestStats], None] | None = None
                ) -> dict[str, int]:
    """Add a scan's articles (with its fingerprints) and relations to ``engine``'s store."""
    from wiretrace.data import Article, Passage
    from wiretrace.fingerprint import Fingerprint
    from wiretrace.store import StoreError

    root = Path(path)
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    ours = engine.fingerprinter.config.identity()
    if manifest.get("fingerprint") != ours:
        raise StoreError(
            f"{root}: the scan fingerprinted with {manifest.get('fingerprint')}, this store "
            f"uses {ours}. Re-scan with this wiretrace, or ingest the raw input instead.")
    rows = sorted(scan_rows(root, "articles"), key=lambda r: (r["input"], r["seq"]))
    store = engine.store
    for i in range(0, len(rows), batch):
        arts, fps = [], []
        for r in rows[i : i + batch]:
            if store.has(r["id"], r["text"]):
                stats.duplicates += 1
                continue
            text = r["text"]
            arts.append(Article(
                id=r["id"], text=text, url=r["url"], site=r["site"], title=r["title"],
                published=r["published"], byline=r["byline"], language=r["language"],
                credits=list(r["credits"] or []),
                declared_sources=list(r["declared_sources"] or []),
                boilerplate=list(r["boilerplate"] or []), meta=json.loads(r["meta"] or "{}"),
                passages=[Passage(k, s, e, text[s:e])
                          for k, (s, e) in enumerate(zip(r["starts"], r["ends"], strict=True))],
            ))
            vecs = np.frombuffer(r["vectors"], dtype=np.float16).reshape(-1, 512)
            fps.append(Fingerprint(minhash=r["minhash"], terms=list(r["terms"] or []),
                                   vectors=vecs.astype(np.float32)))
        if arts:
            store.add(arts, fps, stats)
        if on_batch:
            on_batch(stats)
    store.save_index()
    n_rel = 0
    for r in scan_rows(root, "relations"):
        if r["kind"] == "error":
            continue
        report = json.loads(r["evidence"] or "{}")
        report["signals"] = json.loads(r["signals"] or "{}")
        store.save_relation(r["a"], r["b"], r["kind"], float(r["confidence"]), r["direction"],
                            report)
        n_rel += 1
    return {"relations": n_rel, "scan_articles": len(rows)}
