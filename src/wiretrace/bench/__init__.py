"""The benchmark: copies derived by construction from real articles, with exact gold.

Not part of the installed tool's hot path. ``sources`` loads the originals (ECB+, Reuters),
``derive`` makes copies of each kind on ``units`` that track gold offsets (``spin`` with
``wordnet`` does the synonym spinning, ``mt`` the Apertium translation, ``alter`` plants
factual alterations, ``chrome`` writes site chrome), and ``dataset`` assembles a seeded,
cached split with its negatives. ``paths`` says where data and caches live.

Entry points: ``derive.derive(source, kind, seed)`` -> ``Derived``;
``dataset.build_dataset(split, seed, data_dir, n_sources, kinds)`` -> ``Dataset``.
System packages: ``scripts/install_bench_deps.sh`` (Apertium eng-spa, WordNet).
"""
