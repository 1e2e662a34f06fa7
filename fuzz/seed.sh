#!/usr/bin/env bash
# Fills fuzz/corpus/TARGET/ with seeds made from a site's moot.toml and content/**/*.md
# (default: the sample site at the repo root) and from the committed seeds in fuzz/seeds/.
# Run it before the first `cargo fuzz run`; it adds files and deletes none, so it is safe
# to run again. Usage: fuzz/seed.sh [SITE_FOLDER]
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
site=$(cd "${1:-$fuzz/..}" && pwd)
corpus=$fuzz/corpus
targets=(pipeline moment duration rule front markdown config request_path slugify)
for t in "${targets[@]}"; do mkdir -p "$corpus/$t"; done
for t in "${targets[@]}"; do
    if [ -d "$fuzz/seeds/$t" ]; then cp "$fuzz/seeds/$t"/* "$corpus/$t/"; fi
done


# A seed file named by its content's hash (as libFuzzer names them), from stdin.
put() {
    local tmp
    tmp=$(mktemp)
    cat >"$tmp"
    mv "$tmp" "$corpus/$1/seed-$(sha1sum "$tmp" | cut -c1-16)"

}
# The value of a front-matter line `KEY: "value"` (quotes dropped), one a line.
values() { grep -rhE "^$1:" "$site/content" --include='*.md' | sed -E "s/^$1: *//; s/^\"(.*)\"$/\\1/" | sort -u; }
# The body of a markdown file (after its front matter).
body() { awk 'n >= 2 { print } /^---$/ && n < 2 { n++ }' "$1"; }
# A content file with its references pointed at the fixed files of the pipeline target
# (group g, meeting a), so that a seed gets past the model to rendering.
relink() { sed -E 's/^(groups): .*/\1: [g]/; s/^(group): .*/\1: g/; s/^(meeting): .*/\1: "a"/' "$1"; }

mapfile -t md < <(cd "$site/content" && find . -name '*.md' | sed 's|^\./||' | sort)
pick() { # the files of one section, as absolute paths
    local f
    for f in "${md[@]}"; do case $f in "$1"/*) echo "$site/content/$f" ;; esac; done
}
mapfile -t meetings < <(pick meetings)
mapfile -t groups < <(pick groups)
mapfile -t wiki < <(pick wiki)
mapfile -t stories < <(pick stories)
mapfile -t articles < <(pick articles)

# pipeline: moot.toml, then (split by 0xFF) meetings/a.md, groups/g.md, wiki/w.md,
# stories/s.md, articles/r.md, index.md, about.md.
sep() { printf '\377'; }
for i in "${!meetings[@]}"; do
    {
        cat "$site/moot.toml"
        sep; relink "${meetings[$i]}"
        sep; relink "${groups[$((i % ${#groups[@]}))]}"
        sep; relink "${wiki[$((i % ${#wiki[@]}))]}"
        sep; relink "${stories[$((i % ${#stories[@]}))]}"
        sep; relink "${articles[$((i % ${#articles[@]}))]}"
        if [ -f "$site/content/index.md" ]; then sep; cat "$site/content/index.md"; fi
        if [ -f "$site/content/about.md" ]; then sep; cat "$site/content/about.md"; fi
    } | put pipeline
done

# front: a kind byte (0 meeting, 1 group, 2 wiki, 3 story, 4 article, 5 page), then the file.
for f in "${md[@]}"; do
    case $f in
        meetings/*) k='\000' ;; groups/*) k='\001' ;; wiki/*) k='\002' ;;
        stories/*) k='\003' ;; articles/*) k='\004' ;; *) k='\005' ;;
    esac
    { printf "$k"; cat "$site/content/$f"; } | put front
    body "$site/content/$f" | put markdown
    printf '%s' "$(grep -m1 '^title:' "$site/content/$f" | sed -E 's/^title: *"?//; s/"$//')" | put slugify
    printf '/%s/' "${f%.md}" | put request_path
done

cat "$site/moot.toml" | put config
while IFS= read -r v; do printf '%s' "$v" | put moment; done < <(values start; values end; values date)
while IFS= read -r v; do printf '%s' "$v" | put duration; done < <(values duration)
grep -h '^default_duration' "$site/moot.toml" | sed -E 's/.*= *"(.*)"/\1/' | while IFS= read -r v; do
    printf '%s' "$v" | put duration
done
# rule: a zone byte and a start byte (see fuzz_targets/rule.rs), then the rule.
while IFS= read -r v; do
    for h in '\000\000' '\001\001' '\002\003' '\003\006'; do
        { printf "$h"; printf '%s' "$v"; } | put rule
    done
done < <(values repeat)

for t in "${targets[@]}"; do printf '%-13s %4d files\n' "$t" "$(find "$corpus/$t" -type f | wc -l)"; done
