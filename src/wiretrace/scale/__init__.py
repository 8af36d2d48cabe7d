"""Crawl scale: the scan job (Apache Spark) and its local reference.

``wiretrace scan --input ... --output ...`` reads WARC/WET, JSONL or Parquet, extracts and
fingerprints each input file with the local ingest's own functions, proposes candidate
pairs by one rule that is a pure function of the fingerprints (``scale.rule``: LSH band
join, rare-name join, passage nearest neighbours within k-means cells), verifies them with
``Wiretrace.compare`` and writes Parquet tables: ``articles``, ``relations``,
``stories``, ``failures``, plus ``_scan/summary.json``. ``scale.local.local_scan`` runs
the same rule and verifier over an embedded store; the two agree (tests/test_scale.py).

pyspark is an optional extra: ``pip install 'wiretrace[spark]'``.
"""

from wiretrace.scale.rule import ScanRule

__all__ = ["ScanRule"]
