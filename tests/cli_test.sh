#!/usr/bin/env bash
# cli_test.sh — end-to-end test of the two programs as a person runs them: exit codes, messages,
# the JSON Lines contract, and reindexing without duplicates. Usage: cli_test.sh BIN_DIR SOURCE_DIR
set -uo pipefail
bin="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
db="$tmp/db"
fails=0; passes=0
check() { # check NAME CONDITION-EXIT-CODE
  if [ "$2" -eq 0 ]; then passes=$((passes+1)); else fails=$((fails+1)); echo "FAIL: $1"; fi
}

"$bin/keikaku-index" --db "$db" "$src/corpus" >"$tmp/out" 2>"$tmp/err"
check "index exits 0" $?
grep -q "^indexed 46 files" "$tmp/out"; check "summary counts 46 files: $(cat "$tmp/out")" $?

"$bin/keikaku-query" --db "$db" search --json 三鷹市基本構想 >"$tmp/json"
check "search exits 0" $?
python3 - "$tmp/json" <<'PY'
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1])]
assert hits, "no hits"
for i, h in enumerate(hits, 1):
    for k in ("rank", "score", "doc", "line", "title", "section", "year", "text", "snippet"):
        assert k in h, f"hit {i} lacks {k}"
    assert h["rank"] == i
    assert h["year"] is None or isinstance(h["year"], int)
    assert not h["doc"].startswith("/")
assert any(h["doc"].startswith("mitaka/001_") and "三鷹市基本構想" in h["text"] for h in hits)
PY
check "JSON Lines contract and 三鷹市基本構想 → mitaka/001" $?

"$bin/keikaku-query" --db "$db" --color never search 男女平等参画 >"$tmp/text"
check "text search exits 0" $?
grep -q "【男女平等参画】" "$tmp/text"; check "text output marks matches with 【】" $?

"$bin/keikaku-query" --db "$db" search ズヴェズダチェルノボグ >"$tmp/none"
check "no result exits 0" $?
grep -q "no passages match" "$tmp/none"; check "no result says so" $?

"$bin/keikaku-query" --db "$db" search colour:red 2>"$tmp/err"; code=$?
[ $code -eq 2 ] && grep -q "unknown field 'colour:'" "$tmp/err"; check "unknown field exits 2 with message" $?

"$bin/keikaku-query" --db "$tmp/nowhere" search 献血 2>"$tmp/err"; code=$?
[ $code -eq 1 ] && grep -q "no database at" "$tmp/err"; check "missing database exits 1 with message" $?

"$bin/keikaku-query" --help >/dev/null; check "--help exits 0" $?
"$bin/keikaku-query" search 2>/dev/null; [ $? -eq 2 ]; check "search without QUERY exits 2" $?
"$bin/keikaku-index" 2>/dev/null; [ $? -eq 2 ]; check "index without PATH exits 2" $?

before=$("$bin/keikaku-query" --db "$db" search --json --limit 1000 year:2012..2025 | wc -l)
"$bin/keikaku-index" --db "$db" "$src/corpus" >"$tmp/out" 2>&1
grep -q "46 unchanged" "$tmp/out"; check "rerun skips unchanged files" $?
after=$("$bin/keikaku-query" --db "$db" search --json --limit 1000 year:2012..2025 | wc -l)
[ "$before" -eq "$after" ]; check "rerun does not duplicate ($before vs $after)" $?

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
