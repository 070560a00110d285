#!/usr/bin/env python3
"""groonga_commands.py — turn passages (JSON Lines from `keikaku-index --dump`) into the Groonga
commands that load them, so that tools/bench can time Groonga alone (`groonga -n DB < FILE`).

Schema: one record per passage in Passages (text, doc, line, year, section); a patricia-trie
lexicon with TokenBigram and NormalizerNFKC150, and a positional index on text, created before
the load as a person setting up Groonga for search would do. Records go in `load` commands of
CHUNK passages each (a JSON array per command).

Usage: groonga_commands.py < passages.jsonl > load.grn
"""
import json
import sys

SCHEMA = """table_create Passages TABLE_NO_KEY
column_create Passages text COLUMN_SCALAR LongText
column_create Passages doc COLUMN_SCALAR ShortText
column_create Passages line COLUMN_SCALAR UInt32
column_create Passages year COLUMN_SCALAR UInt32
column_create Passages section COLUMN_SCALAR ShortText
table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram --normalizer NormalizerNFKC150
column_create Terms passages_text COLUMN_INDEX|WITH_POSITION Passages text
"""

# Passages per load command: large enough that command overhead is nothing next to indexing,
# small enough that Groonga never holds more than a few MB of pending JSON.
CHUNK = 2000

# ShortText holds at most 4 KiB; a longer section path is cut at a character boundary.
SHORT_TEXT_MAX = 4095


def short(s):
    b = (s or "").encode("utf-8")[:SHORT_TEXT_MAX]
    return b.decode("utf-8", "ignore")


def main():
    out = sys.stdout
    out.write(SCHEMA)
    batch = []

    def flush():
        if batch:
            out.write("load --table Passages\n")
            out.write(json.dumps(batch, ensure_ascii=False))
            out.write("\n")
            batch.clear()

    for line in sys.stdin:
        p = json.loads(line)
        batch.append({"text": p["text"], "doc": p["doc"], "line": p["line"],
                      "year": p["year"] or 0, "section": short(p.get("section"))})
        if len(batch) >= CHUNK:
            flush()
    flush()


if __name__ == "__main__":
    main()
