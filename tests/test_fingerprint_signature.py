"""The MinHash signature is computed in numpy without importing datasketch (its import is
0.35 s of every ingest worker); it must stay, bit for bit, what datasketch's affine32
MinHash makes of the same shingle hashes, or stored signatures would stop matching."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest
from datasketch import MinHash

from wiretrace.fingerprint.lexical import (
    _BATCH,
    SCHEME,
    _permutations,
    minhash,
    signature,
    text_shingle_hashes,
)

_WORDS = ("the minister said talks would resume next week in Geneva after a pause of "
          "three months Ministerin sagte Gespräche würden wieder aufgenommen Блинкен "
          "прибыл в Пекин 2,300 1.5% U.S.").split()


def _datasketch(text: str, num_perm: int, shingle: int, seed: int) -> np.ndarray:
    m = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME, hashfunc=int)
    m.update_batch(text_shingle_hashes(text, shingle).tolist())
    return np.asarray(m.hashvalues, dtype=np.uint32)


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (256, 3), (1, 0)])
def test_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    drawn = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
    assert np.array_equal(_permutations(num_perm, seed), drawn)
    assert _permutations(num_perm, seed).dtype == drawn.dtype


def test_signature_is_datasketchs_minhash_bit_for_bit() -> None:
    rng = random.Random(5)
    texts = ["", "one", "a b c", "one two three four five", "Ünïcödé wörds, 1,500 of them."]
    texts += [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 400)))
              for _ in range(60)]
    texts.append(" ".join(rng.choice(_WORDS) for _ in range(3 * _BATCH)))  # several chunks
    for text in texts:
        for num_perm, shingle, seed in ((128, 5, 1), (64, 3, 9)):
            ours = signature(text, num_perm, shingle, seed)
            assert ours.dtype == np.uint32
            assert ours.tobytes() == _datasketch(text, num_perm, shingle, seed).tobytes()
    made = minhash(texts[10], 128, 5)
    assert made.scheme == SCHEME and np.array_equal(made.hashvalues, signature(texts[10], 128, 5))


def test_fingerprinting_does_not_import_datasketch() -> None:
    script = ("import sys\n"
              "from wiretrace.fingerprint.lexical import signature\n"
              "signature('the minister said talks would resume next week', 128, 5)\n"
              "print('datasketch' in sys.modules, 'scipy.integrate' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=True)
    assert proc.stdout.split() == ["False", "False"]
