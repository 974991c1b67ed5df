#!/usr/bin/env python3
"""HuggingFace tokenizers (Rust) on the same text as `coachrag-bench tokenizer`, one core.

    pip install tokenizers
    RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false python3 bench/tokenizer_compare.py [bench/data/tokenizer.txt]

Uses the same vocabulary (models/all-MiniLM-L6-v2/vocab.txt) with BertWordPiece settings
(lowercase, strip accents, CJK handling), documents tokenized one at a time as coachrag does.
"""
import json, os, statistics, sys, time

os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
from tokenizers import BertWordPieceTokenizer  # noqa: E402

path = sys.argv[1] if len(sys.argv) > 1 else "bench/data/tokenizer.txt"
vocab = os.environ.get("COACHRAG_VOCAB", "models/all-MiniLM-L6-v2/vocab.txt")
text = open(path, encoding="utf-8").read()
documents = text.split("\n\n")
tok = BertWordPieceTokenizer(vocab, lowercase=True, strip_accents=None, clean_text=True, handle_chinese_chars=True)

times, tokens = [], 0
for rep in range(6):
    start = time.perf_counter()
    count = 0
    for doc in documents:
        count += len(tok.encode(doc, add_special_tokens=False).ids)
    if rep:
        times.append(time.perf_counter() - start)
    tokens = count
median = statistics.median(times)
mb = len(text.encode()) / 1e6
print(json.dumps({"library": "tokenizers", "version": __import__("tokenizers").__version__, "tokens": tokens,
                  "seconds_median": round(median, 4), "tokens_per_second": int(tokens / median),
                  "megabytes_per_second": round(mb / median, 2)}))
