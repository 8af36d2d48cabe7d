"""The Spark scan: extract + fingerprint per input file, candidate pairs by band, term and
cell joins, verification per partition, Parquet out.

Output folder::

    articles/input_key=.../*.parquet   one partition per input file (dynamic overwrite)
    failures/input_key=.../*.parquet   documents skipped, with reason and detail
    candidates/*.parquet               every candidate pair (a < b) with its signal scores
    relations/*.parquet                one verified row per candidate pair (appended)
    stories/*.parquet                  article id -> story id
    _scan/manifest.json                finished input files, fingerprint and rule identity
    _scan/summary.json                 counts per stage and per failure reason, timings

Resumable per input file: files go through in waves; after each wave the manifest lists
them, and a re-run skips them (a changed size or mtime makes a file pending again). A wave
killed half-way rewrites only its own ``input_key`` partitions. Verification skips pairs
already in ``relations``, so a re-run over new input judges only new pairs. Bad input is a
statistic (``failures``, ``summary.failed``), never an exception.

Paths must be visible to the driver and every executor with the same name (local disk in
local mode; NFS or a mounted bucket on a cluster).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

from wiretrace.scale import rule as R

SCAN_SCHEMA = "wiretrace.scan/1"
_BATCH = 256


class ScanError(Exception):
    """A scan that cannot start as asked; the message says how to fix it."""


# -- schemas ------------------------------------------------------------------------------------
def _schemas() -> dict[str, Any]:
    from pyspark.sql import types as T

    s, arr = T.StringType(), T.ArrayType
    articles = T.StructType([
        T.StructField("input", s), T.StructField("input_key", s),
        T.StructField("seq", T.LongType()),
        T.StructField("id", s), T.StructField("content_hash", s), T.StructField("url", s),
        T.StructField("site", s), T.StructField("title", s), T.StructField("published", s),
        T.StructField("byline", s), T.StructField("language", s),
        T.StructField("credits", arr(s)), T.StructField("declared_sources", arr(s)),
        T.StructField("boilerplate", arr(s)), T.StructField("meta", s), T.StructField("text", s),
        T.StructField("starts", arr(T.IntegerType())), T.StructField("ends", arr(T.IntegerType())),
        T.StructField("n_passages", T.IntegerType()), T.StructField("minhash", T.BinaryType()),
        T.StructField("terms", arr(s)), T.StructField("vectors", T.BinaryType()),
    ])
    failures = T.StructType([T.StructField("input", s), T.StructField("input_key", s),
                             T.StructField("source", s), T.StructField("reason", s),
                             T.StructField("detail", s)])
    relations = T.StructType([
        T.StructField("a", s), T.StructField("b", s), T.StructField("kind", s),
        T.StructField("confidence", T.DoubleType()), T.StructField("direction", s),
        T.StructField("derived", T.BooleanType()), T.StructField("copy_id", s),
        T.StructField("source_id", s), T.StructField("signals", s), T.StructField("evidence", s),
    ])
    stories = T.StructType([T.StructField("id", s), T.StructField("story", s)])
    return {"articles": articles, "failures": failures, "relations": relations,
            "stories": stories}


# -- executor side: extraction ------------------------------------------------------------------
def _fingerprinter() -> Any:
    """One fingerprinter per Python worker: the static table loads once per executor."""
    from wiretrace.fingerprint import process_fingerprinter

    return process_fingerprinter()


def input_key(path: str) -> str:
    return hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]


def _is_parquet(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PAR1"
    except OSError:
        return False


def _read_results(path: str, max_bytes: int) -> Iterator[Any]:
    """ReadResults of one input file: the local ingest's readers; Parquet rows through
    ``read_record``, the reader JSON lines use."""
    from wiretrace.ingest import read_path, read_record
    from wiretrace.ingest._common import failed
    from wiretrace.ingest.options import IngestOptions

    options = IngestOptions(max_bytes=max_bytes)
    if not _is_parquet(path):
        yield from read_path(path, options=options)
        return
    try:
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        n = 0
        for batch in pf.iter_batches(batch_size=512):
            for rec in batch.to_pylist():
                yield read_record(rec, source=f"{path}#{n}", options=options)
                n += 1
    except Exception as exc:  # a damaged Parquet file is a statistic, like any bad input
        yield failed(path, "corrupt", f"{path}: cannot read Parquet: {exc!s:.200}")


def extract_file(path: str, max_bytes: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """One input file -> ``("a", article row)``, ``("f", failure row)`` and one
    ``("s", stats)``. Articles are prepared and fingerprinted exactly as ``Wiretrace.add``
    does (``prepare``, ``Fingerprinter.fingerprint_many``, float16 vectors)."""
    import numpy as np

    from wiretrace.engine import prepare
    from wiretrace.store.sqlite import content_hash

    key = input_key(path)
    stats: dict[str, Any] = {"input": path, "articles": 0, "failed": {}}

    def fail(source: str, reason: str, detail: str) -> tuple[str, dict[str, Any]]:
        stats["failed"][reason] = stats["failed"].get(reason, 0) + 1
        return "f", {"input": path, "input_key": key, "source": source, "reason": reason,
                     "detail": detail[:500]}

    buf: list[Any] = []
    seq = 0

    def flush() -> Iterator[tuple[str, dict[str, Any]]]:
        nonlocal seq
        fps = _fingerprinter().fingerprint_many(buf)
        for art, fp in zip(buf, fps, strict=True):
            stats["articles"] += 1
            yield "a", {
                "input": path, "input_key": key, "seq": seq, "id": art.id,
                "content_hash": content_hash(art.text), "url": art.url, "site": art.site,
                "title": art.title, "published": art.published, "byline": art.byline,
                "language": art.language, "credits": list(art.credits),
                "declared_sources": list(art.declared_sources),
                "boilerplate": list(art.boilerplate),
                "meta": json.dumps(art.meta, default=str), "text": art.text,
                "starts": [p.start for p in art.passages], "ends": [p.end for p in art.passages],
                "n_passages": len(art.passages), "minhash": fp.minhash, "terms": fp.terms,
                "vectors": np.asarray(fp.vectors, dtype=np.float16).tobytes(),
            }
            seq += 1
        buf.clear()

    try:
        for res in _read_results(path, max_bytes):
            if res.status != "ok" or res.article is None:
                yield fail(res.source, res.reason or "failed", res.detail or res.source)
                continue
            try:
                art = prepare(res.article)
            except Exception as exc:  # one odd document must not stop the file
                yield fail(res.source, "prepare_error", f"{res.source}: {exc!s:.200}")
                continue
            if not art.passages:
                yield fail(res.source, "no_text", f"{res.source}: no sentences after cleaning")
                continue
            buf.append(art)
            if len(buf) >= _BATCH:
                yield from flush()
        if buf:
            yield from flush()
    except Exception as exc:  # a reader bug on hostile input: count it, keep the scan going
        buf.clear()
        yield fail(path, "reader_error", f"{path}: {type(exc).__name__}: {exc!s:.200}")
    yield "s", stats


# -- executor side: verification ----------------------------------------------------------------
def _article(row: dict[str, Any]) -> Any:
    from wiretrace.data import Article, Passage

    text = row["text"]
    return Article(
        id=row["id"], text=text, url=row["url"], site=row["site"], title=row["title"],
        published=row["published"], byline=row["byline"], language=row["language"],
        credits=list(row["credits"] or []), declared_sources=list(row["declared_sources"] or []),
        boilerplate=list(row["boilerplate"] or []), meta=json.loads(row["meta"] or "{}"),
        passages=[Passage(i, s, e, text[s:e])
                  for i, (s, e) in enumerate(zip(row["starts"], row["ends"], strict=True))],
    )


def _full_of(row: dict[str, Any]) -> Any:
    from wiretrace.fingerprint import codec

    return codec.unpack(row["full"])


def encode_partition(rows: Iterable[tuple[str, dict[str, Any]]]
                     ) -> Iterator[tuple[str, dict[str, Any]]]:
    """Full-model passage vectors of each article in a pair, once per article, as the
    engine keeps them (``compare.full_vectors`` of the prepared article, packed as the store
    packs them: ``fingerprint.codec``)."""
    from wiretrace.compare import full_vectors
    from wiretrace.fingerprint import codec
    from wiretrace.prepare import prepared
    from wiretrace.scale.verify import worker_encoder

    full = worker_encoder()
    for aid, row in rows:
        vecs = full_vectors(full, prepared(_article(row)))
        row["full"] = codec.pack(vecs)
        yield aid, row


def verify_partition(items: Iterable[tuple[dict[str, Any], dict[str, Any], dict[str, float]]]
                     ) -> Iterator[dict[str, Any]]:
    """Verify the pairs of one partition from the articles' rows and vectors, with the
    store-free comparer. A pair that raises is a statistic."""
    from wiretrace.compare import Settings, build_profile
    from wiretrace.scale.verify import verify_profiles, worker_encoder

    settings = Settings(encoder=worker_encoder())
    profiles: dict[str, Any] = {}

    def profile(row: dict[str, Any]) -> Any:
        if row["id"] not in profiles:
            if len(profiles) > 256:
                profiles.clear()
            profiles[row["id"]] = build_profile(_article(row), full=_full_of(row))
        return profiles[row["id"]]

    for q, c, signals in sorted(items, key=lambda t: (t[0]["id"], t[1]["id"])):
        try:
            yield verify_profiles(profile(q), profile(c), signals, settings)
        except Exception as exc:
            yield {"a": q["id"], "b": c["id"], "kind": "error", "confidence": 0.0,
                   "direction": "unknown", "derived": False, "copy_id": None, "source_id": None,
                   "signals": json.dumps(signals, sort_keys=True),
                   "evidence": json.dumps({"error": f"{type(exc).__name__}: {exc!s:.300}"})}


# -- driver -------------------------------------------------------------------------------------
def list_inputs(inputs: Iterable[str]) -> list[str]:
    """Input files in the order a local ``wiretrace ingest`` of the same paths reads them."""
    from wiretrace.ingest import _walk

    files: list[str] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            files.extend(str(f.resolve()) for f in _walk(p))
        elif p.exists():
            files.append(str(p.resolve()))
        else:
            raise ScanError(f"{raw}: no such file or folder. Pass --input FILE_OR_FOLDER.")
    return list(dict.fromkeys(files))


def _stamp(path: str) -> dict[str, Any]:
    st = os.stat(path)
    return {"size": st.st_size, "mtime": int(st.st_mtime)}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def spark_session(master: str | None = None, app: str = "wiretrace-scan",
                  shuffle_partitions: int | None = None) -> Any:
    """A SparkSession for the scan (an active one is reused: spark-submit, tests)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ScanError("wiretrace scan needs pyspark: pip install 'wiretrace[spark]' "
                        "(and Java 17 on PATH)") from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit: workers run
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # this very interpreter
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    b = SparkSession.builder.appName(app)
    if master:
        b = b.master(master)
    b = (b.config("spark.ui.enabled", "false")
         .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
         .config("spark.python.worker.reuse", "true")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.memory", os.environ.get("WIRETRACE_SPARK_DRIVER_MEMORY", "4g")))
    # the default of 200 shuffle partitions means 200 Python tasks per stage on a small scan
    b = b.config("spark.sql.shuffle.partitions", str(shuffle_partitions or 8))
    session = b.getOrCreate()
    session.sparkContext.setLogLevel(os.environ.get("WIRETRACE_SPARK_LOG", "ERROR"))
    return session


def scan(
    inputs: Iterable[str],
    output: str | Path,
    *,
    master: str | None = None,
    rule: R.ScanRule | None = None,
    spark: Any = None,
    wave: int | None = None,
    max_bytes: int = 20 * 1024 * 1024,
    verify_sample: int | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Scan ``inputs`` (files or folders) into Parquet tables under ``output``.

    Returns the summary (also written to ``output/_scan/summary.json``). ``wave`` is the
    number of input files per extraction job (default: twice the default parallelism);
    each finished wave is recorded, so an interrupted scan resumes at the next file.
    ``verify_sample`` verifies only that many candidate pairs (a fixed, hash-chosen
    sample): to measure the cost of verification on a big corpus before paying for all.
    """
    from wiretrace.fingerprint import Fingerprinter

    say = log or (lambda m: print(m, file=sys.stderr, flush=True))
    rule = rule or R.ScanRule()
    out = Path(output)
    files = list_inputs(inputs)
    identity = Fingerprinter().config.identity()
    manifest_path = out / "_scan" / "manifest.json"
    manifest: dict[str, Any] = {"schema": SCAN_SCHEMA, "fingerprint": identity, "inputs": {}}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("fingerprint") != identity:
            raise ScanError(
                f"{out}: scanned with fingerprint settings {manifest.get('fingerprint')}, this "
                f"wiretrace uses {identity}. Scan into a new --output folder.")
    manifest["rule"] = rule.identity()
    spark = spark or spark_session(master)
    sc = spark.sparkContext
    schemas = _schemas()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    # 1. extract + fingerprint, per input file, in waves
    done = manifest["inputs"]
    pending = [f for f in files if done.get(f, {}).get("stamp") != _stamp(f)]
    skipped = len(files) - len(pending)
    say(f"scan: {len(files)} input files, {skipped} already done, {len(pending)} to extract")
    step = wave or max(1, 2 * sc.defaultParallelism)
    for start in range(0, len(pending), step):
        group = pending[start : start + step]
        rdd = sc.parallelize(group, len(group)).flatMap(
            lambda p, mb=max_bytes: extract_file(p, mb)).persist()
        arts = rdd.filter(lambda kv: kv[0] == "a").map(lambda kv: kv[1])
        (spark.createDataFrame(arts, schemas["articles"]).write.mode("overwrite")
         .partitionBy("input_key").parquet(str(out / "articles")))
        fails = rdd.filter(lambda kv: kv[0] == "f").map(lambda kv: kv[1])
        (spark.createDataFrame(fails, schemas["failures"]).write.mode("overwrite")
         .partitionBy("input_key").parquet(str(out / "failures")))
        for _, st in rdd.filter(lambda kv: kv[0] == "s").collect():
            done[st["input"]] = {"stamp": _stamp(st["input"]), "key": input_key(st["input"]),
                                 "articles": st["articles"], "failed": st["failed"]}
        rdd.unpersist()
        _write_json(manifest_path, manifest)
        say(f"scan: extracted {min(start + step, len(pending))}/{len(pending)} files")
    timings["extract"] = time.perf_counter() - t0

    # 2. candidates over every article scanned so far
    t1 = time.perf_counter()
    arts_df = _articles(spark, out)
    n = arts_df.count()
    # partitions of ~2,000 articles (at least one per core): the RDD stages keep this count
    arts_df = arts_df.repartition(max(sc.defaultParallelism, min(256, n // 2000 + 1)), "id")
    arts_df.persist()
    cand, cstats = _candidates(spark, arts_df, n, rule) if n else (sc.emptyRDD(), {})
    cand = cand.persist()
    n_pairs = cand.count()
    (spark.createDataFrame(cand.map(lambda kv: (kv[0][0], kv[0][1],
                                                json.dumps(kv[1], sort_keys=True))),
                           "a string, b string, signals string")
     .write.mode("overwrite").parquet(str(out / "candidates")))
    timings["candidates"] = time.perf_counter() - t1
    say(f"scan: {n} articles, {n_pairs} candidate pairs")

    # 3. verify pairs not verified before
    t2 = time.perf_counter()
    rel_path = out / "relations"
    seen = sc.emptyRDD()
    if (rel_path / "_SUCCESS").exists() or any(rel_path.glob("*.parquet")):
        seen = spark.read.parquet(str(rel_path)).select("a", "b").rdd.map(
            lambda r: (R.pair_key(r["a"], r["b"]), 1))
    todo = cand.subtractByKey(seen)
    if verify_sample is not None:
        keep = {k for k, _ in todo.map(lambda kv: (R.sample_rank("|".join(kv[0]), 0), 1))
                .takeOrdered(verify_sample, key=lambda kv: kv[0])}
        todo = todo.filter(lambda kv: R.sample_rank("|".join(kv[0]), 0) in keep)
    todo = todo.persist()
    n_todo = todo.count()
    meta = sc.broadcast({r["id"]: (r["id"], r["published"], r["n_passages"])
                         for r in arts_df.select("id", "published", "n_passages").collect()})
    seated = todo.map(lambda kv: (R.seat(meta.value[kv[0][0]], meta.value[kv[0][1]]), kv[1]))
    needed = seated.flatMap(lambda x: [(x[0][0], 1), (x[0][1], 1)]).distinct()
    full = arts_df.drop("minhash", "terms", "vectors", "input", "input_key", "seq",
                        "content_hash", "n_passages").rdd.map(lambda r: (r["id"], r.asDict())) \
        .join(needed).map(lambda kv: (kv[0], kv[1][0])).mapPartitions(encode_partition)
    full = full.persist()
    by_q = seated.map(lambda x: (x[0][0], (x[0][1], x[1]))).join(full)
    by_c = by_q.map(lambda kv: (kv[1][0][0], (kv[1][1], kv[1][0][1]))).join(full)
    triples = by_c.map(lambda kv: (kv[1][0][0], kv[1][1], kv[1][0][1]))
    n_parts = max(sc.defaultParallelism, min(400, n_todo // 400 + 1))
    triples = triples.keyBy(lambda t: t[0]["id"]).partitionBy(n_parts).values()
    rel_rdd = triples.mapPartitions(verify_partition)
    (spark.createDataFrame(rel_rdd, schemas["relations"]).write.mode("append")
     .parquet(str(rel_path)))
    meta.unpersist()
    full.unpersist()
    todo.unpersist()
    timings["verify"] = time.perf_counter() - t2

    # 4. stories over all relations
    t3 = time.perf_counter()
    rel_all = spark.read.parquet(str(rel_path)) if n_pairs or rel_path.exists() else None
    rows = [r.asDict() for r in rel_all.select("a", "b", "kind", "confidence", "direction",
                                               "evidence").collect()] if rel_all else []
    pub, terms = {}, {}
    for r in arts_df.select("id", "published", "terms").collect():
        pub[r["id"]], terms[r["id"]] = r["published"], list(r["terms"] or [])
    from wiretrace.scale.stories import stories_of

    members = stories_of(sorted(pub), rows, pub, terms)
    (spark.createDataFrame(sorted(members.items()), schemas["stories"]).coalesce(1)
     .write.mode("overwrite").parquet(str(out / "stories")))
    timings["stories"] = time.perf_counter() - t3
    arts_df.unpersist()
    cand.unpersist()

    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    failed: dict[str, int] = {}
    for info in done.values():
        for reason, k in info.get("failed", {}).items():
            failed[reason] = failed.get(reason, 0) + k
    summary = {
        "schema": SCAN_SCHEMA,
        "output": str(out),
        "fingerprint": identity,
        "rule": json.loads(rule.identity()),
        "inputs": len(files),
        "inputs_skipped_done": skipped,
        "inputs_extracted": len(pending),
        "articles_read": sum(i.get("articles", 0) for i in done.values()),
        "articles": n,
        "duplicates": sum(i.get("articles", 0) for i in done.values()) - n,
        "failed": dict(sorted(failed.items())),
        "candidate_pairs": n_pairs,
        "verified_pairs": n_todo,
        "candidate_stats": cstats,
        "relations": len(rows),
        "relations_by_kind": dict(sorted(kinds.items())),
        "stories": len(set(members.values())),
        "seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    summary["seconds"]["total"] = round(time.perf_counter() - t0, 2)
    _write_json(out / "_scan" / "summary.json", summary)
    return summary


def _articles(spark: Any, out: Path) -> Any:
    """Every scanned article, duplicates dropped as the store drops them on ingest: the
    first (by input path, then position) of each text, then of each id."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    path = out / "articles"
    if not path.exists():
        return spark.createDataFrame([], _schemas()["articles"])
    df = spark.read.schema(_schemas()["articles"]).parquet(str(path))
    for col in ("content_hash", "id"):
        w = Window.partitionBy(col).orderBy("input", "seq")
        df = df.withColumn("_r", F.row_number().over(w)).filter("_r = 1").drop("_r")
    return df


def _candidates(spark: Any, arts: Any, n: int, rule: R.ScanRule) -> tuple[Any, dict[str, int]]:
    """The candidate rule as joins: (pair key, signals) for every candidate pair."""
    import numpy as np

    sc = spark.sparkContext
    slim = arts.select("id", "n_passages", "minhash", "terms", "vectors").rdd.map(
        lambda r: (r["id"], r["n_passages"], bytes(r["minhash"]), list(r["terms"] or []),
                   bytes(r["vectors"]))).persist()
    thr = rule.lsh_threshold

    # lexical: LSH band join
    buckets = slim.flatMap(lambda a: [(k, (a[0], a[2])) for k in R.band_keys(a[2], thr)]) \
        .groupByKey().filter(lambda kv: len(kv[1]) > 1) \
        .map(lambda kv: R.bucket_pairs(kv[1], rule)).persist()
    oversized = buckets.filter(lambda x: x[1]).count()
    lexical = buckets.flatMap(lambda x: [((a, b), {"lexical": j}) for a, b, j in x[0]]) \
        .reduceByKey(lambda x, y: R.merge_signals(x, y))

    # entity: rare-name join
    limit = R.rare_df_limit(n, rule)
    shared = slim.flatMap(lambda a: [(t, a[0]) for t in a[3]]).groupByKey() \
        .map(lambda kv: sorted(kv[1])).filter(lambda ids: 2 <= len(ids) <= limit) \
        .flatMap(lambda ids: [((x, y), len(ids)) for x, y in combinations(ids, 2)]) \
        .groupByKey().mapValues(list).filter(lambda kv: len(kv[1]) >= rule.min_shared_terms) \
        .mapValues(lambda dfs: R.entity_score(dfs, n))
    entity = shared.flatMap(lambda kv: [(kv[0][0], (kv[0][1], kv[1])),
                                        (kv[0][1], (kv[0][0], kv[1]))]) \
        .groupByKey().flatMap(lambda kv: _top(kv[0], dict(kv[1]), rule.n_entity, 0.0, "entity"))

    # semantic: passage neighbours within k-means cells
    n_total = slim.map(lambda a: a[1]).sum()
    sample = slim.flatMap(lambda a: [(R.sample_rank(R.passage_key(a[0], i), rule.seed), v)
                                     for i, v in enumerate(R.rows_of(a[4]))]) \
        .takeOrdered(rule.sample, key=lambda kv: kv[0])
    mat = R._matrix([v for _, v in sample]) if sample else np.zeros((0, R.DIM), np.float32)
    cent = sc.broadcast(R.train_cells(mat, R.n_cells(int(n_total), rule), rule))
    sizes = sc.broadcast({a: k for a, k in slim.map(lambda a: (a[0], a[1])).collect()})
    k, floor, nprobe = rule.k_passages, rule.floor, rule.nprobe
    n_cells_ = int(cent.value.shape[0])
    cells = slim.flatMap(lambda a: _cell_items(a, cent.value, nprobe)) \
        .groupByKey(max(1, min(n_cells_, 4 * sc.defaultParallelism)))
    semantic = cells.flatMap(lambda kv: R.cell_neighbours(
        [i for t, i in kv[1] if t == "d"], [i for t, i in kv[1] if t == "q"], k, floor)) \
        .groupByKey().map(lambda kv: (kv[0].split("\x00")[0],
                                      (int(kv[0].split("\x00")[1]), R.merge_top(kv[1], k)))) \
        .groupByKey().flatMap(lambda kv: _top(
            kv[0], R.semantic_scores(sizes.value[kv[0]], dict(kv[1])), rule.n_semantic,
            rule.min_semantic, "semantic"))

    pairs = sc.union([lexical, entity, semantic]).reduceByKey(lambda x, y: R.merge_signals(x, y))
    stats = {"oversized_buckets": int(oversized)}
    return pairs, stats


def _top(aid: str, scores: dict[str, float], n: int, minimum: float, signal: str
         ) -> list[tuple[tuple[str, str], dict[str, float]]]:
    return [(R.pair_key(aid, b), {signal: scores[b]})
            for b in R.top_partners(scores, n, minimum)]


def _cell_items(a: tuple[str, int, bytes, list[str], bytes], cent: Any, nprobe: int
                ) -> Iterator[tuple[int, tuple[str, tuple[str, str, bytes]]]]:
    rows = R.rows_of(a[4])
    for i, cells in enumerate(R.assign_cells(R.vectors_of(a[4]), cent, nprobe)):
        item = (R.passage_key(a[0], i), a[0], rows[i])
        yield cells[0], ("d", item)
        for c in cells:
            yield c, ("q", item)
