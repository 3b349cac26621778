#!/usr/bin/env python3
"""Requests per second of one agent run from its interval records (results/IntervalRecordCodec JSON lines).

Usage: agent_rate.py <resultsDir> <warmupSeconds> [<fromEpochSecond> <toEpochSecond>]
Prints: total requests, failures, whole-run req/s, steady req/s (whole seconds after the warm-up,
the last, partial second left out) and the per-second counts; given two Unix epoch seconds (from
bench/lib/cpu.py --window), also window_requests: the requests started in [from, to).
"""
import collections
import glob
import json
import sys

results, warmup = sys.argv[1], int(sys.argv[2])
window = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else None
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
in_window = f"window_requests={sum(per_second[s] for s in range(*window))} " if window else ""
print(f"total={total} failures={failures} whole_run_rps={total / span:.0f} steady_rps={steady_rate:.0f} {in_window}"
      f"per_second={[per_second[s] for s in seconds]}")
