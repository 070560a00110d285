#!/usr/bin/env python3
"""groonga_load.py — load passages (JSON Lines from `keikaku-index --dump`) into a new Groonga
database with TokenBigram and NormalizerNFKC150, one record per passage.

Usage: groonga_load.py DB < passages.jsonl
"""
import json
import subprocess
import sys

SCHEMA = """table_create Passages TABLE_NO_KEY
column_create Passages text COLUMN_SCALAR LongText
column_create Passages doc COLUMN_SCALAR ShortText
column_create Passages line COLUMN_SCALAR UInt32
column_create Passages year COLUMN_SCALAR UInt32
table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram --normalizer NormalizerNFKC150
column_create Terms passages_text COLUMN_INDEX|WITH_POSITION Passages text
"""


def main():
    db = sys.argv[1]
    g = subprocess.Popen(["groonga", "-n", db], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         text=True)
    g.stdin.write(SCHEMA)
    batch = []

    def flush():
        if batch:
            g.stdin.write("load --table Passages\n" + json.dumps(batch, ensure_ascii=False) + "\n")
            batch.clear()

    for line in sys.stdin:
        p = json.loads(line)
        batch.append({"text": p["text"], "doc": p["doc"], "line": p["line"],
                      "year": p["year"] or 0})
        if len(batch) >= 5000:
            flush()
    flush()
    g.stdin.close()
    sys.exit(g.wait())


if __name__ == "__main__":
    main()
