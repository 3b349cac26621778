#!/usr/bin/env bash
# Mutation testing (PIT) of the core packages: recording, the HTTP engines and request naming, the
# arrival schedule and ramp (agent); histogram merge and thresholds (plugin); the orchestrator core.
# Each module's pom names its target classes and tests (pit.targetClasses / pit.targetTests).
# Slow (tens of minutes on 2 cores, one mutant at a time), so NOT part of .ci/run. Prints the
# score per package at the end; the HTML reports are in <module>/target/pit-reports/.
# Usage: .ci/mutation.sh [module] [extra maven args]
#   .ci/mutation.sh                                   all three modules, one after another
#   .ci/mutation.sh constellation-maven-plugin        one module only: the modules it depends on are
#       built (-am) but not mutated (their targets are replaced by this module's, which match nothing there)
#   .ci/mutation.sh constellation-agent -Dpit.targetClasses='dev.constellation.agent.record.*'
#       one package of a module (on a shared machine: one package at a time)
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_EC2_METADATA_DISABLED=true
modules=(constellation-orchestrator constellation-agent constellation-maven-plugin)
if [ $# -gt 0 ] && [ -f "$1/pom.xml" ]; then
  module=$1
  shift
  modules=("$module")
  prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$module/pom.xml" | head -1; }
  overrides=(-DfailWhenNoMutations=false "-Dpit.targetClasses=$(prop pit.targetClasses)"
             "-Dpit.targetTests=$(prop pit.targetTests)")
  excluded=$(prop pit.excludedClasses)
  [ -n "$excluded" ] && overrides+=("-Dpit.excludedClasses=$excluded")
  excludedTests=$(prop pit.excludedTestClasses)
  [ -n "$excludedTests" ] && overrides+=("-Dpit.excludedTestClasses=$excludedTests")
  # the caller's -D after ours: a later -D of the same property wins
  set -- -pl "$module" -am "${overrides[@]}" "$@"
elif [ $# -eq 0 ]; then
  set -- -pl "$(IFS=,; echo "${modules[*]}")" -am
fi
mvn -B -Pmutation "$@" test-compile org.pitest:pitest-maven:mutationCoverage

python3 - "${modules[@]}" <<'PY'
import sys, os, re, collections
import xml.etree.ElementTree as ET
detected = {"KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR"}
rows = collections.OrderedDict()
for m in sys.argv[1:]:
    f = os.path.join(m, "target", "pit-reports", "mutations.xml")
    if not os.path.exists(f):
        continue
    for mu in ET.parse(f).getroot():
        cls = mu.findtext("mutatedClass")
        pkg = cls.rsplit(".", 1)[0]
        r = rows.setdefault(pkg, collections.Counter())
        r["total"] += 1
        r[mu.get("status")] += 1
        if mu.get("status") in detected:
            r["killed"] += 1
if not rows:
    sys.exit("no mutations.xml found: did PIT run?")
print("\n%-45s %7s %7s %9s %12s %7s" % ("package", "mutants", "killed", "survived", "no coverage", "score"))
for pkg, r in sorted(rows.items()):
    print("%-45s %7d %7d %9d %12d %6.1f%%" % (pkg, r["total"], r["killed"], r["SURVIVED"], r["NO_COVERAGE"],
                                             100.0 * r["killed"] / r["total"]))
PY
