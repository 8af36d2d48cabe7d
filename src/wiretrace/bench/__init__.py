"""The benchmark: copies derived by construction from real articles, with exact gold.

Not part of the installed tool's hot path. ``sources`` loads the originals (ECB+, Reuters),
``derive`` makes copies of each kind (``spin`` and ``mt`` do the synonym spinning and the
Apertium translation, ``alter`` plants factual alterations, ``chrome`` writes site chrome),
and ``dataset`` assembles a seeded, cached split with its negatives.
"""
