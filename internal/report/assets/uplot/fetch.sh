#!/usr/bin/env bash
# Re-fetches the pinned uPlot release from the npm registry and checks that the vendored files
# beside this script are exactly its files (make uplot). With --write it replaces them.
#
#   bash internal/report/assets/uplot/fetch.sh           # check: exit 1 when a file differs
#   bash internal/report/assets/uplot/fetch.sh --write   # after changing VERSION and the sums
set -euo pipefail
cd "$(dirname "$0")"

VERSION=1.6.32
TARBALL_SHA256=4b8a8191e425658e3ea8c8c1314b0fc679c861ee3a1af2b20c7b16ba50b5133d

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "uplot@$VERSION" --silent >/dev/null)
echo "$TARBALL_SHA256  $tmp/uplot-$VERSION.tgz" | sha256sum --check --quiet
tar -xzf "$tmp/uplot-$VERSION.tgz" -C "$tmp"
src="$tmp/package"
declare -A from=([uPlot.iife.min.js]=dist/uPlot.iife.min.js [uPlot.min.css]=dist/uPlot.min.css [LICENSE]=LICENSE)
status=0
for f in "${!from[@]}"; do
  if [[ ${1:-} == --write ]]; then
    cp "$src/${from[$f]}" "$f"
  elif ! cmp -s "$src/${from[$f]}" "$f"; then
    echo "uplot: $f differs from uplot@$VERSION's ${from[$f]}" >&2
    status=1
  fi
done
[[ ${1:-} == --write ]] && sha256sum uPlot.iife.min.js uPlot.min.css LICENSE > SHA256SUMS
sha256sum --check --quiet SHA256SUMS
[[ $status == 0 ]] && echo "uplot: vendored files are uplot@$VERSION (tarball sha256 $TARBALL_SHA256)"
exit $status
