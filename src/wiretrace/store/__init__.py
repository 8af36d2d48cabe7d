"""The embedded store: one folder, SQLite for articles and fingerprints, a FAISS file for
passage vectors. ``open_store`` is the factory; a server-backed store can follow behind
the same methods."""

from wiretrace.store.sqlite import (
    SCHEMA_VERSION,
    IngestStats,
    Store,
    StoreError,
    default_store_path,
    open_store,
    store_error,
)

__all__ = [
    "SCHEMA_VERSION",
    "IngestStats",
    "Store",
    "StoreError",
    "default_store_path",
    "open_store",
    "store_error",
]
