#!/usr/bin/env bash
# robust_cli_test.sh — the programs facing hostile input as a person meets it: malformed queries
# (unbalanced quotes, only stop words, 100 KB, invalid UTF-8, unknown fields) and indexer runs on
# paths and databases that are not what they should be. Checks exit codes and that each message
# says what is wrong. Usage: robust_cli_test.sh BIN_DIR SOURCE_DIR
set -uo pipefail
bin="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
db="$tmp/db"
fails=0; passes=0
check() { # check NAME CONDITION-EXIT-CODE
  if [ "$2" -eq 0 ]; then passes=$((passes+1)); else fails=$((fails+1)); echo "FAIL: $1"; fi
}
query() { "$bin/keikaku-query" --db "$db" search "$@" >"$tmp/out" 2>"$tmp/err"; }

"$bin/keikaku-index" --quiet --db "$db" "$src/corpus/mitaka"
check "index corpus/mitaka" $?

query '"三鷹市基本'; code=$?
[ $code -eq 0 ] && grep -q "passages match" "$tmp/out"; check "unbalanced quote searches to the end (exit $code)" $?
query --json '“男女平等参画'; code=$?
[ $code -eq 0 ] && python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out"
check "unbalanced full-width quote gives JSON Lines (exit $code)" $?
query 'の は が を'; code=$?
[ $code -eq 2 ] && grep -q "one-kana particles" "$tmp/err"
check "only one-kana particles: exit 2 saying they are not indexed (exit $code)" $?
query 'について ですか'; code=$?
[ $code -eq 2 ] && grep -q "(について, です, か) are all stop words" "$tmp/err"
check "only stop words: exit 2 naming them, as they are not indexed (exit $code)" $?
query "$(head -c 102400 /dev/zero | tr '\0' 'a')"; code=$?
[ $code -eq 2 ] && grep -q "keikaku-query: error: query is 102400 bytes long; the limit is 4096" "$tmp/err"
check "100 KB query: exit 2 with the limit (exit $code: $(cat "$tmp/err"))" $?
query "$(printf '防災\xff\xfe')"; code=$?
[ $code -eq 2 ] && grep -q "keikaku-query: error: query is not valid UTF-8" "$tmp/err"
check "invalid UTF-8 query: exit 2 (exit $code: $(cat "$tmp/err"))" $?
query 'colour:red 献血'; code=$?
[ $code -eq 2 ] && grep -q "unknown field 'colour:' (known fields: year, kind, dept, plan, city, doc)" "$tmp/err"
check "unknown field: exit 2 listing the known fields (exit $code)" $?
query 'year:平成九十九年度'; code=$?
[ $code -eq 2 ] && grep -q "year:" "$tmp/err"; check "bad year: exit 2 naming it (exit $code)" $?

"$bin/keikaku-index" --db "$tmp/x" /nonexistent/folder >"$tmp/out" 2>"$tmp/err"; code=$?
[ $code -eq 1 ] && grep -q "keikaku-index: error: /nonexistent/folder: No such file or directory" "$tmp/err"
check "missing PATH: exit 1 naming it (exit $code)" $?
touch "$tmp/plainfile"
"$bin/keikaku-index" --db "$tmp/plainfile" "$src/corpus/mitaka" >"$tmp/out" 2>"$tmp/err"; code=$?
[ $code -eq 1 ] && grep -q "keikaku-index: error: .*plainfile" "$tmp/err"
check "database path is a file: exit 1 naming it (exit $code)" $?
"$bin/keikaku-index" --db "$db" --wait soon "$src/corpus/mitaka" 2>"$tmp/err"; code=$?
[ $code -eq 2 ] && grep -q -- "--wait: 'soon'" "$tmp/err"; check "bad --wait: exit 2 (exit $code)" $?
cp -r "$db" "$tmp/broken" && : >"$tmp/broken/iamglass"
"$bin/keikaku-query" --db "$tmp/broken" search 防災 >"$tmp/out" 2>"$tmp/err"; code=$?
[ $code -eq 1 ] && grep -q "keikaku-query: error: .*broken" "$tmp/err"
check "damaged database: query exits 1 naming it (exit $code)" $?
"$bin/keikaku-index" --db "$tmp/broken" "$src/corpus/mitaka" >"$tmp/out" 2>"$tmp/err"; code=$?
[ $code -eq 1 ] && grep -q "keikaku-index: error: .*broken" "$tmp/err"
check "damaged database: index exits 1 naming it (exit $code)" $?

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
