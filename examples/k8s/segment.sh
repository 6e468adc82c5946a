#!/bin/sh
# nnjs-segment SCRIPT [nnjs run flags...]: run this pod's share of SCRIPT.
# The pod's segment comes from its Indexed Job completion index (JOB_COMPLETION_INDEX) and the
# number of segments (SEGMENTS, the Job's completions): pod i of N runs "i/N:(i+1)/N" of every
# scenario, with the full sequence "0,1/N,...,1" so that VUs, iterations and rates split
# exactly as k6's execution segments do. Each pod writes /results/segment-i.result for
# `nnjs merge`.
set -eu
: "${JOB_COMPLETION_INDEX:?run me in an Indexed Job}"
: "${SEGMENTS:?set SEGMENTS to the Job's completions}"
i=$JOB_COMPLETION_INDEX
n=$SEGMENTS
seq=0
k=1
while [ "$k" -lt "$n" ]; do seq="$seq,$k/$n"; k=$((k + 1)); done
seq="$seq,1"
script=$1
shift
exec nnjs run --quiet \
  --execution-segment "$i/$n:$((i + 1))/$n" \
  --execution-segment-sequence "$seq" \
  --out "result=${RESULTS_DIR:-/results}/segment-$i.result" \
  "$@" "$script"
