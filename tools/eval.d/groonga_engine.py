#!/usr/bin/env python3
"""groonga_engine.py — score.py's engine command for Groonga: runs one query against a Groonga
database built by tools/eval and prints the hits as JSON Lines (best first, with `text`).

Usage: groonga_engine.py DB QUERY
The query goes to Groonga as typed (its own query syntax), matched against the passage text,
top 10 by score: the reference configuration of ../shared/eval/README.md.
"""
import json
import subprocess
import sys


def main():
    db, query = sys.argv[1], sys.argv[-1]
    out = subprocess.run(
        ["groonga", db, "select", "--table", "Passages", "--match_columns", "text",
         "--query", query, "--output_columns", "_score,text", "--sortby", "-_score",
         "--limit", "10", "--command_version", "1"],
        capture_output=True, text=True, check=False)
    try:
        result = json.loads(out.stdout)
        rows = result[1][0][2:]
    except (ValueError, IndexError, TypeError):
        rows = []  # a query Groonga cannot parse returns nothing, as for a person typing it
    for score, text in rows:
        print(json.dumps({"score": score, "text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
