#!/usr/bin/env bash
# e2e_docs.sh - the documentation's links resolve: every relative link in
# README.md, docs/*.md, corpora/README.md and eval/README.md names a file or
# folder that exists, and every #anchor names a heading of the page it
# points to (GitHub's rule: lower case, punctuation dropped, spaces to
# hyphens, -1, -2 ... for repeats).  Links inside ``` fences are not links;
# http(s) and mailto links are not checked (no network in the tests).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(cd "$here/.." && pwd)

# anchors FILE: the anchor of every heading of FILE, one a line
anchors() {
    awk '/^```/ { fence = !fence; next }
         !fence && /^#+ / {
            h = $0; sub(/^#+ +/, "", h); sub(/ +#+ *$/, "", h)
            h = tolower(h); gsub(/[^a-z0-9 _-]/, "", h); gsub(/ /, "-", h)
            if (seen[h]++) h = h "-" (seen[h] - 1)
            print h }' "$1"
}

# links FILE: every inline link target of FILE outside code fences and
# inline code, one a line
links() {
    awk '/^```/ { fence = !fence; next }
         !fence { line = $0; gsub(/`[^`]*`/, "", line)
            while (match(line, /\]\([^)]*\)/)) {
                print substr(line, RSTART + 2, RLENGTH - 3)
                line = substr(line, RSTART + RLENGTH) } }' "$1"
}

# check_page FILE: prints one line per broken link; fails if any
check_page() {
    local page=$1 dir bad=0 target path anchor dest
    dir=$(dirname "$page")
    while IFS= read -r target; do
        case $target in http://* | https://* | mailto:*) continue ;; esac
        path=${target%%#*}
        anchor=
        [ "$path" != "$target" ] && anchor=${target#*#}
        if [ -z "$path" ]; then dest=$page; else dest=$dir/$path; fi
        if [ ! -e "$dest" ]; then
            echo "${page#"$root"/}: link to missing $target"; bad=1; continue
        fi
        if [ -n "$anchor" ] && ! anchors "$dest" | grep -qxF -- "$anchor"; then
            echo "${page#"$root"/}: no heading for #$anchor in ${dest#"$root"/}"; bad=1
        fi
    done < <(links "$page")
    return $bad
}

# The checker itself must catch what it is for: a page with a missing file,
# a missing anchor, and good links (including a repeated heading).
mkdir -p "$TMP/d/docs"
printf '# Top\n## Two words\n## Two words\n' >"$TMP/d/docs/b.md"
printf '[ok](docs/b.md#two-words-1) [ok](#top-page) `[no](code.md)`\n# Top page\n' >"$TMP/d/good.md"
printf 'see [b](docs/b.md) and [gone](docs/gone.md)\n' >"$TMP/d/nofile.md"
printf 'see [b](docs/b.md#three-words)\n' >"$TMP/d/noanchor.md"
check "checker: good links pass" check_page "$TMP/d/good.md"
check "checker: a missing file fails" eval '! check_page "$TMP/d/nofile.md" >/dev/null'
check "checker: a missing anchor fails" eval '! check_page "$TMP/d/noanchor.md" >/dev/null'

pages=("$root/README.md" "$root"/docs/*.md "$root/corpora/README.md" "$root/eval/README.md")
for page in "${pages[@]}"; do
    [ -f "$page" ] || { check "page ${page#"$root"/} exists" false; continue; }
    check "links of ${page#"$root"/} resolve" check_page "$page"
done
# every page of docs/ is reachable from the README
for page in "$root"/docs/*.md; do
    check "README links to docs/${page##*/}" grep -qF "(docs/${page##*/}" "$root/README.md"
done
finish
