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
  scanzipf          1M requests, Zipf(0.9) over 50,000 keys; in every fourth block of 50,000 requests every other
                    request is a one-time key (a batch job scanning past the hot set)
  sliding           1M requests uniform over a 3,000-key range that moves up one key every 20 requests (recency:
                    a key is read for 60,000 requests, then never again)
  cdn               1M requests, half of them one-time keys, half Zipf(0.7) over 200,000 keys
  burst             1M requests: 30 % new keys, 30 % repeats of a recent new key (2-3,000 requests later, at most
                    5,000 pending), 40 % Zipf(1.0) over 20,000 keys
  zipfloop          1M requests alternating between a 7,500-key loop and Zipf(0.8) over 100,000 keys
"""
import bisect
import os
import random
import sys


def zipf_sampler(n, s, rng):
    """A function drawing Zipf(s) keys from 0..n-1, in a shuffled order of popularity."""
    cumulative, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1 / rank ** s
        cumulative.append(total)
    order = list(range(n))
    rng.shuffle(order)
    return lambda: order[bisect.bisect_left(cumulative, rng.random() * total)]


def zipf(n, s, m, seed, shift=0):
    sample = zipf_sampler(n, s, random.Random(seed))
    return [sample() + shift for _ in range(m)]


def loops(requests, first_key, noise_seed, phase_length=None, prefix=()):
    rng = random.Random(noise_seed)
    out = list(prefix)
    for i in range(requests):
        phase = i // phase_length if phase_length else 0
        out.append(first_key + phase * 1000 + (i // 2) % 600 if i % 2 == 0 else rng.randrange(100_000))
    return out


def with_one_time_keys(popular, first_one_time_key, is_one_time):
    """1M requests: a new key each time is_one_time(i), else popular()."""
    out, one_time = [], first_one_time_key
    for i in range(1_000_000):
        if is_one_time(i):
            out.append(one_time)
            one_time += 1
        else:
            out.append(popular())
    return out


def scanzipf(rng):
    return with_one_time_keys(zipf_sampler(50_000, 0.9, rng), 10_000_000, lambda i: (i // 50_000) % 4 == 3 and i % 2 == 0)


def sliding(rng):
    return [rng.randrange(i // 20, i // 20 + 3_000) for i in range(1_000_000)]


def cdn(rng):
    return with_one_time_keys(zipf_sampler(200_000, 0.7, rng), 20_000_000, lambda _: rng.random() < 0.5)


def burst(rng):
    popular, new, pending, out = zipf_sampler(20_000, 1.0, rng), 30_000_000, [], []
    for i in range(1_000_000):
        r = rng.random()
        if r < 0.3:
            out.append(new)
            pending.append(new)
            new += 1
        elif r < 0.6 and pending:
            j = rng.randrange(len(pending))
            out.append(pending[j])
            if rng.random() < 0.3:
                pending.pop(j)
            if len(pending) > 5_000:
                pending.pop(0)
        else:
            out.append(popular())
    return out


def zipfloop(rng):
    popular = zipf_sampler(100_000, 0.8, rng)
    return [40_000_000 + (i // 2) % 7_500 if i % 2 == 0 else popular() for i in range(1_000_000)]


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    traces = {
        "zipf0.8": zipf(200_000, 0.8, 1_000_000, 7),
        "zipf1.0": zipf(200_000, 1.0, 1_000_000, 7),
        "zipfshift": [k for phase in range(5) for k in zipf(100_000, 0.9, 200_000, phase, shift=phase * 50_000)],
        "loopshift": loops(400_000, 20_000, 3, phase_length=50_000, prefix=range(500_000, 502_000)),
        "junkloop": list(range(2_000)) + [k for _ in range(200) for k in range(10_000, 10_500)],
        "looprand": loops(300_000, 20_000, 3),
        "scanzipf": scanzipf(random.Random(11)),
        "sliding": sliding(random.Random(12)),
        "cdn": cdn(random.Random(13)),
        "burst": burst(random.Random(14)),
        "zipfloop": zipfloop(random.Random(15)),
    }
    for name, keys in traces.items():
        with open(os.path.join(outdir, name + ".keys"), "w") as f:
            f.write("\n".join(map(str, keys)) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
