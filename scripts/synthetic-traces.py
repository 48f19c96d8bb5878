#!/usr/bin/env python3
"""Writes the synthetic traces the README's hit-ratio notes cite, in the `keys` format (one integer key per line).

usage: python3 scripts/synthetic-traces.py OUTDIR
then:  dotnet run -c Release --project benchmarks/Cacheme.Benchmarks -- hitrate --trace OUTDIR/zipf0.8.keys --format keys --sizes 1000,10000,50000 --policies tlfu

Seeded, so the same Python version writes the same files (measured with Python 3.11.7):
  zipf0.8, zipf1.0  Zipf(s) over 200,000 keys in a shuffled order of popularity, 1M requests
  zipfshift         five phases of 200,000 requests, Zipf(0.9) over 100,000 keys, the key range moving by 50,000 each
  loopshift         2,000 one-time keys, then 400,000 requests alternating between a 600-key loop (a new loop every
                    50,000 requests) and uniform noise over 100,000 keys
  junkloop          2,000 one-time keys, then a 500-key loop 200 times
  looprand          300,000 requests alternating between a 600-key loop and uniform noise over 100,000 keys
"""
import bisect
import os
import random
import sys


def zipf(n, s, m, seed, shift=0):
    rng = random.Random(seed)
    cumulative, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1 / rank ** s
        cumulative.append(total)
    order = list(range(n))
    rng.shuffle(order)
    return [order[bisect.bisect_left(cumulative, rng.random() * total)] + shift for _ in range(m)]


def loops(requests, first_key, noise_seed, phase_length=None, prefix=()):
    rng = random.Random(noise_seed)
    out = list(prefix)
    for i in range(requests):
        phase = i // phase_length if phase_length else 0
        out.append(first_key + phase * 1000 + (i // 2) % 600 if i % 2 == 0 else rng.randrange(100_000))
    return out


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    traces = {
        "zipf0.8": zipf(200_000, 0.8, 1_000_000, 7),
        "zipf1.0": zipf(200_000, 1.0, 1_000_000, 7),
        "zipfshift": [k for phase in range(5) for k in zipf(100_000, 0.9, 200_000, phase, shift=phase * 50_000)],
        "loopshift": loops(400_000, 20_000, 3, phase_length=50_000, prefix=range(500_000, 502_000)),
        "junkloop": list(range(2_000)) + [k for _ in range(200) for k in range(10_000, 10_500)],
        "looprand": loops(300_000, 20_000, 3),
    }
    for name, keys in traces.items():
        with open(os.path.join(outdir, name + ".keys"), "w") as f:
            f.write("\n".join(map(str, keys)) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
