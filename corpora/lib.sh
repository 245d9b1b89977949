# corpora/lib.sh - what the corpus scripts share (sourced, not run).
#
# fetch URL NAME   download URL into $DATA/NAME: resumable (a partial
#                  download is kept as NAME.part and continued with curl
#                  -C -), then checked by verify
# verify NAME      the sha256 of $DATA/NAME against corpora/SHA256SUMS; where
#                  the list has no value (the sites publish none), the value
#                  seen at the first download is recorded in NAME.sha256 and
#                  later runs must match it
# words FILE       print the number of words of FILE
#
# Environment: CORPORA_DATA (default corpora/data) is where everything goes;
# MIRROR=URL-or-file:///dir fetches every file from there by its name
# (a local copy, a proxy, or the tests' tiny stand-ins).
set -euo pipefail
CORPORA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA=${CORPORA_DATA:-$CORPORA/data}
mkdir -p "$DATA"
NORM="perl $CORPORA/textnorm.pl"
WIKI="perl $CORPORA/wikitext.pl"

die() { echo "${0##*/}: $*" >&2; exit 1; }

fetch() {
    local url=$1 name=$2
    [ -n "${MIRROR:-}" ] && url=$MIRROR/$name
    if [ ! -s "$DATA/$name" ]; then
        echo "${0##*/}: fetching $url" >&2
        curl -fL --retry 5 --retry-delay 10 -C - -o "$DATA/$name.part" "$url" ||
            die "download of $url failed; run again to resume ($DATA/$name.part is kept)"
        mv "$DATA/$name.part" "$DATA/$name"
    fi
    verify "$name"
}

verify() {
    local name=$1 sum want=
    sum=$(sha256sum "$DATA/$name" | cut -d' ' -f1)
    [ -f "$CORPORA/SHA256SUMS" ] && want=$(awk -v n="$name" '$2 == n { print $1 }' "$CORPORA/SHA256SUMS")
    if [ -z "$want" ] && [ -s "$DATA/$name.sha256" ]; then want=$(cat "$DATA/$name.sha256"); fi
    if [ -z "$want" ]; then
        echo "$sum" > "$DATA/$name.sha256"
        echo "${0##*/}: $name: no published sha256; recorded $sum in $DATA/$name.sha256" >&2
        return 0
    fi
    [ "$sum" = "$want" ] ||
        die "$name: sha256 $sum, expected $want (a changed or damaged file: delete $DATA/$name and run again)"
}

# The output is written to NAME.part and renamed when complete.
finish() { mv "$1.part" "$1"; echo "${0##*/}: $1: $(words "$1") words" >&2; }
words() { wc -w < "$1" | tr -d ' '; }
