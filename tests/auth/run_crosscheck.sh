#!/bin/sh
# run_crosscheck.sh — generates SigV4 vectors with AWS's JavaScript signer, then checks that
# redwire's signer agrees with every one of them. Fails (never skips) when node, the SDK packages
# or the vectors are missing.
#
# Usage: run_crosscheck.sh CHECKER GENERATOR.mjs VECTORS_OUT COUNT SEED
set -eu

if [ "$#" -ne 5 ]; then
  echo "usage: $0 CHECKER GENERATOR.mjs VECTORS_OUT COUNT SEED" >&2
  exit 2
fi
checker=$1 generator=$2 vectors=$3 count=$4 seed=$5

if ! command -v node >/dev/null 2>&1; then
  echo "run_crosscheck.sh: node not found on PATH; the cross-check cannot run" >&2
  exit 1
fi
# A file left by an earlier run must never stand in for this run's output.
rm -f "$vectors"
node "$generator" --out "$vectors" --count "$count" --seed "$seed"
if [ ! -s "$vectors" ]; then
  echo "run_crosscheck.sh: $generator wrote no vectors to $vectors" >&2
  exit 1
fi
exec "$checker" "$vectors" "$count"
