#!/usr/bin/env bash
# Builds the benchmarks (and the library, from this checkout) and runs them.
#
#   zmqws-benchmarks/run.sh            the short suite (under 10 minutes on 2 cores)
#   zmqws-benchmarks/run.sh --full     longer runs, steadier numbers
#   zmqws-benchmarks/run.sh --only=reqrep,rpc --jfr   some scenarios, with JFR recordings of the servers
#
# The Markdown table for docs/benchmarks.md is printed at the end and kept, with the
# servers' logs (and JFR recordings), in zmqws-benchmarks/target/bench-results/<time>/.
# Benchmarks never run during `./mvnw verify`.
set -euo pipefail
cd "$(dirname "$0")/.."

short="--short"
args=()
for arg in "$@"; do
  case "$arg" in
    --full) short="" ;;
    *) args+=("$arg") ;;
  esac
done

# 10,000 WebSocket connections need as many file descriptors in the server and in the
# load generator; take what the hard limit allows.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

./mvnw -B -q -pl zmqws-benchmarks -am package -DskipTests

BENCH_COMMIT="$(git describe --always --dirty --abbrev=10 2>/dev/null || echo unknown)"
export BENCH_COMMIT
exec java -Xms2g -Xmx2g -XX:+UseG1GC -jar zmqws-benchmarks/target/zmqws-benchmarks.jar all $short "${args[@]+"${args[@]}"}"
