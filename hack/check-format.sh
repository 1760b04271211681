#!/usr/bin/env bash
# Fails when a C++ source in the repository differs from what clang-format-14 would write.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mapfile -t files < <(git ls-files '*.cc' '*.h' 2>/dev/null || find src tools test cmd bench fuzz -name '*.cc' -o -name '*.h' 2>/dev/null)
bad=0
for f in "${files[@]}"; do
  if ! clang-format-14 --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (run: clang-format-14 -i $f)"
    bad=1
  fi
done
((bad == 0)) && echo "${#files[@]} files formatted"
exit $bad
