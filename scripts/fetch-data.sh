#!/usr/bin/env bash
# Download and verify the evaluation sets of eval/MANIFEST.tsv (and, without
# -eval, the text8 corpus):
#   eval/data/FILE   each set of the manifest, its sha256 checked
#   data/text8       Matt Mahoney's first 10^8 bytes of Wikipedia (corpora/text8.sh)
# A set already in eval/data or in ../shared/data/{analogy,similarity} is only
# verified, not downloaded again; a partial download is resumed.  None of the
# files is part of this project: each keeps its authors' terms (the manifest
# names them).
#
#   scripts/fetch-data.sh [-eval] [-check]
#     -eval    the evaluation sets only
#     -check   download nothing; verify what is there and list what is missing
# Environment: MIRROR=URL-or-file:///dir takes every set from there by name.
set -euo pipefail
cd "$(dirname "$0")/.."
only_eval= check_only=
for a in "$@"; do
    case $a in
        -eval) only_eval=1 ;; -check) check_only=1 ;;
        *) echo "usage: scripts/fetch-data.sh [-eval] [-check]" >&2; exit 2 ;;
    esac
done
. scripts/eval-data.sh
mkdir -p eval/data
bad=0 missing=0
while IFS=$'\t' read -r file kind sum url _; do
    case $file in ''|'#'*) continue ;; esac
    path=$(eval_file "$file" || true)
    if [ -z "$path" ]; then
        if [ -n "$check_only" ]; then echo "missing: $file"; missing=$((missing + 1)); continue; fi
        [ -n "${MIRROR:-}" ] && url=$MIRROR/$file
        echo "fetching $file" >&2
        if ! curl -fsSL --retry 3 -C - -o "eval/data/$file.part" "$url"; then
            echo "fetch-data: download of $url failed (run again to resume)" >&2; bad=$((bad + 1)); continue
        fi
        mv "eval/data/$file.part" "eval/data/$file"
        path=eval/data/$file
    fi
    got=$(sha256sum "$path" | cut -d' ' -f1)
    if [ "$got" != "$sum" ]; then
        echo "fetch-data: $path: sha256 $got, the manifest says $sum (changed upstream or damaged;" \
             "figures in docs/ were measured with the manifest's version)" >&2
        bad=$((bad + 1))
    fi
done < eval/MANIFEST.tsv
if [ -z "$only_eval" ] && [ -z "$check_only" ] && [ ! -s data/text8 ]; then
    corpora/text8.sh
    mkdir -p data
    ln -sf ../corpora/data/text8 data/text8
fi
[ $bad -eq 0 ] || exit 1
[ $missing -eq 0 ] || exit 1
echo "evaluation sets verified: $(eval_dir analogy), $(eval_dir similarity)"
