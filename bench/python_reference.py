#!/usr/bin/python3
"""Reference figures: Debian's python3-opencv (system SIMD libjpeg-turbo) on the same frame as
CodecBenchmark (the coffee photo at 640x480, JPEG quality 80, written by that benchmark to
target/bench/): decode it, and encode the 700x525 image the default pipeline makes of it at
quality 80. Medians of 300 runs after 50 warm-up runs, one thread. Run from the project root
after bench/jmh CodecBenchmark: /usr/bin/python3 bench/python_reference.py
(apt-get install python3-opencv)."""
import statistics
import time

import cv2
import numpy as np

cv2.setNumThreads(1)
RUNS, WARMUP = 300, 50

with open("target/bench/coffee-640x480-q80.jpg", "rb") as f:
    frame = np.frombuffer(f.read(), dtype=np.uint8)
resized = cv2.resize(cv2.imdecode(frame, cv2.IMREAD_COLOR), (700, 525), interpolation=cv2.INTER_LINEAR)


def median_ms(fn):
    for _ in range(WARMUP):
        fn()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1e6


decode = median_ms(lambda: cv2.imdecode(frame, cv2.IMREAD_COLOR))
encode = median_ms(lambda: cv2.imencode(".jpg", resized, [cv2.IMWRITE_JPEG_QUALITY, 80]))
print(f"python3-opencv {cv2.__version__}: decode 640x480 {decode:.3f} ms, encode 700x525 {encode:.3f} ms "
      f"(frame {len(frame)} bytes)")
