#!/usr/bin/env python3
"""Splits an async-profiler collapsed-stack profile (event=itimer, threads) into the physical
work of a frame (TurboJPEG decode and encode, OpenCV resize and flip) and everything else.
The JIT's compiler threads are left out.
  bench/cpu-shares.py PROFILE.txt"""
import collections
import re
import sys

WORK = (('decode', 'tjDecompress'), ('encode', 'tjCompress'), ('resize', 'resize'), ('flip', 'flip'))
shares = collections.Counter()
for line in open(sys.argv[1]):
    stack, count = line.rsplit(' ', 1)
    count = int(count)
    lower = stack.lower()
    kind = next((name for name, mark in WORK if mark.lower() in lower), None)
    if kind is None:
        thread = re.sub(r'[-#]?\d+', '', stack.split(';')[0].strip('[]').split(' tid=')[0])
        kind = 'other: ' + thread
    shares[kind] += count
# The JIT compiles during the first tens of seconds: start-up cost, not a frame's.
total = sum(v for k, v in shares.items() if 'CompilerThre' not in k)
work = sum(shares[name] for name, _ in WORK)
print('physical work %.1f %% of %d samples outside the JIT (%s)' % (100.0 * work / total, total,
      ', '.join('%s %.1f %%' % (k, 100.0 * v / total) for k, v in shares.most_common(9) if 'CompilerThre' not in k)))
