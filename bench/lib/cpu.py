#!/usr/bin/env python3
"""Runs a command and prints the CPU seconds (user + system) it and its children used.

Usage: cpu.py <outputFile> <command...>   (the command's stdout and stderr go to outputFile)
"""
import resource
import subprocess
import sys

with open(sys.argv[1], "w") as out:
    code = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.STDOUT).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{usage.ru_utime + usage.ru_stime:.1f}")
sys.exit(code)
