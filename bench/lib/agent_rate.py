#!/usr/bin/env python3
"""Requests per second of one agent run from its interval records (results/IntervalRecordCodec JSON lines).

Usage: agent_rate.py <resultsDir> <warmupSeconds>
Prints: total requests, failures, whole-run req/s, steady req/s (whole seconds after the warm-up,
the last, partial second left out) and the per-second counts.
"""
import collections
import glob
import json
import sys

results, warmup = sys.argv[1], int(sys.argv[2])
per_second = collections.Counter()
total = failures = 0
for path in glob.glob(results + "/*.jsonl"):
    for line in open(path):
        r = json.loads(line)
        if r["kind"] != "http":
            continue
        per_second[r["start"] // 1000] += r["count"]
        total += r["count"]
        failures += r["failures"]
seconds = sorted(per_second)
if not seconds:
    sys.exit("no http records in " + results)
span = seconds[-1] - seconds[0] + 1
steady = [per_second[s] for s in seconds[warmup:-1]]
steady_rate = sum(steady) / len(steady) if steady else 0.0
print(f"total={total} failures={failures} whole_run_rps={total / span:.0f} steady_rps={steady_rate:.0f} "
      f"per_second={[per_second[s] for s in seconds]}")
