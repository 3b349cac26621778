#!/usr/bin/env python3
"""Requests per second of one Gatling run from its console output (the 5-second progress blocks).

Usage: gatling_rate.py <consoleLog> <warmupSeconds>
Prints: total requests, KO, whole-run req/s and steady req/s (from the first block at or after the
warm-up to the last block).
"""
import re
import sys

log, warmup = open(sys.argv[1]).read(), int(sys.argv[2])
blocks = re.findall(r"(\d+)s elapsed.*?> Global\s*\|\s*([\d,]+)\s*\|\s*([\d,]+)\s*\|\s*([\d,]+)", log, re.S)
points = [(int(t), int(n.replace(",", "")), int(ko.replace(",", ""))) for t, n, ok, ko in blocks]
if not points:
    sys.exit("no Gatling progress blocks in " + sys.argv[1])
t_last, n_last, ko_last = points[-1]
start = next(((t, n) for t, n, _ in points if t >= warmup and t < t_last), None)
steady = (n_last - start[1]) / (t_last - start[0]) if start else 0.0
print(f"total={n_last} failures={ko_last} whole_run_rps={n_last / t_last:.0f} steady_rps={steady:.0f} "
      f"cumulative={[(t, n) for t, n, _ in points]}")
