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

"$bin/keikaku-query" --db "$db" search --json --fields doc,line 三鷹市基本構想 |
  python3 -c 'import json,sys; h=[json.loads(l) for l in sys.stdin]; assert h and all(sorted(x)==["doc","line"] for x in h), h'
check "search --json --fields doc,line gives only those" $?
"$bin/keikaku-query" --db "$db" search --json --fields doc,txet 三鷹市 2>"$tmp/err"; [ $? -eq 2 ]
check "search --fields with an unknown name exits 2" $?
grep -q "'txet' is not a field" "$tmp/err"; check "and names it: $(cat "$tmp/err")" $?
"$bin/keikaku-query" --db "$db" search --fields doc 三鷹市 2>/dev/null; [ $? -eq 2 ]
check "search --fields without --json exits 2" $?

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
"$bin/keikaku-query" --db "$db" search -献血 2>"$tmp/err"; code=$?
[ $code -eq 2 ] && grep -q "search -- -献血" "$tmp/err"; check "a leading -word hints at --" $?
"$bin/keikaku-query" --db "$db" search -- 献血 -愛 >"$tmp/out"; check "search -- 献血 -愛 exits 0" $?
"$bin/keikaku-query" --db "$db" search OR 2>"$tmp/err"; code=$?
[ $code -eq 2 ] && grep -q "nothing to search for" "$tmp/err"; check "a query of only operators exits 2" $?
"$bin/keikaku-query" search 2>/dev/null; [ $? -eq 2 ]; check "search without QUERY exits 2" $?
"$bin/keikaku-index" 2>/dev/null; [ $? -eq 2 ]; check "index without PATH exits 2" $?

"$bin/keikaku-query" --db "$db" --color never show mitaka/004_a90150c5bdbb2000.txt:208 >"$tmp/show"
check "show exits 0" $?
grep -q "^出典: mitaka/004_a90150c5bdbb2000.txt『.*』 6-3-1 .*〔主要事業〕 \[後期基本計画（素案）\] 208行$" "$tmp/show"
check "show ends with a citation line" $?
"$bin/keikaku-query" --db "$db" show --json --context 2 --id mitaka/003_ed473fa6d39f6456.txt:5 |
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["passage"]["ordinal"] == 5 and len(d["before"]) == 2 and len(d["after"]) == 2 and d["citation"].startswith("出典: ")'
check "show --json --id with context" $?
"$bin/keikaku-query" --db "$db" show nope.txt:3 2>"$tmp/err"; code=$?
[ $code -eq 1 ] && grep -q "no document 'nope.txt'" "$tmp/err"; check "show of an unknown document exits 1" $?
"$bin/keikaku-query" --db "$db" show 2>/dev/null; [ $? -eq 2 ]; check "show without DOC exits 2" $?
"$bin/keikaku-query" show --help | grep -q "DOC\[:LINE\]"; check "show --help" $?

"$bin/keikaku-query" --db "$db" related --json 6-3-1 >"$tmp/rel"; check "related exits 0" $?
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; assert r[0]["name"]=="男女平等参画のための三鷹市行動計画2022", r[0]' "$tmp/rel"
check "related 6-3-1 puts the gender-equality plan first" $?
"$bin/keikaku-query" --db "$db" --color never related --plan 地域情報化プラン2022 >"$tmp/rel"
grep -q "^1. 6-4-1 高度情報社会の構築" "$tmp/rel"; check "related --plan lists 6-4-1 first" $?
"$bin/keikaku-query" --db "$db" related 6-9-9 2>"$tmp/err"; code=$?
[ $code -eq 1 ] && grep -q "no policy '6-9-9'" "$tmp/err"; check "related to an unknown policy exits 1" $?
"$bin/keikaku-query" --db "$db" related 2>/dev/null; [ $? -eq 2 ]; check "related without POLICY exits 2" $?

"$bin/keikaku-query" --db "$db" --color never compare 地域情報化プラン2022 >"$tmp/cmp"; check "compare exits 0" $?
grep -q "^== \[1\] 策定 → \[2\] 第1次改定" "$tmp/cmp" && grep -q "\[+②+\]ICTを活用した地域社会" "$tmp/cmp"
check "compare marks changes between 策定 and 第1次改定 with [+…+]" $?
! grep -q $'\033' "$tmp/cmp"; check "compare prints no colour with --color never" $?
"$bin/keikaku-query" --db "$db" compare --json 6-4-1 |
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert [v["label"] for v in d["versions"]] == ["現行基本計画", "後期基本計画（素案）"], d["versions"]'
check "compare --json 6-4-1 gives the two columns, current first" $?
"$bin/keikaku-query" --db "$db" compare 2>/dev/null; [ $? -eq 2 ]; check "compare without TARGET exits 2" $?
"$bin/keikaku-query" --db "$db" trend --json ICT |
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["exact"] and d["passages"] == sum(y["passages"] for y in d["years"]) + d["unknown"]["passages"], d'
check "trend --json counts add up" $?
"$bin/keikaku-query" --db "$db" --color never trend ICT | grep -q "^2015 *█"; check "trend draws a bar per year" $?
"$bin/keikaku-query" --db "$db" trend year: 2>/dev/null; [ $? -eq 2 ]; check "trend with a malformed query exits 2" $?

before=$("$bin/keikaku-query" --db "$db" search --json --limit 1000 year:2012..2025 | wc -l)
"$bin/keikaku-index" --db "$db" "$src/corpus" >"$tmp/out" 2>&1
grep -q "46 unchanged" "$tmp/out"; check "rerun skips unchanged files" $?
after=$("$bin/keikaku-query" --db "$db" search --json --limit 1000 year:2012..2025 | wc -l)
[ "$before" -eq "$after" ]; check "rerun does not duplicate ($before vs $after)" $?

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
