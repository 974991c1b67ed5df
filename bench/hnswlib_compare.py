#!/usr/bin/env python3
"""hnswlib on the same .fvecs/.ivecs as `coachrag-bench ann`, one thread, M=16, efC=200, inner product.

    pip install hnswlib numpy
    .build/release/coachrag-bench ann --generate 20000 --dim 384 --write-data bench/data/ann384
    python3 bench/hnswlib_compare.py bench/data/ann384 [--ef 16,32,64,128,256] [--m 16] [--ef-construction 200]

Prints the same JSON fields as `coachrag-bench ann --json`.
"""
import argparse, json, os, tempfile, time
import numpy as np
import hnswlib

def read_vecs(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    dim = raw[0]
    return raw.reshape(-1, dim + 1)[:, 1:].view(dtype) if dtype == np.float32 else raw.reshape(-1, dim + 1)[:, 1:]

parser = argparse.ArgumentParser()
parser.add_argument("folder")
parser.add_argument("--ef", default="16,32,64,128,256")
parser.add_argument("--m", type=int, default=16)
parser.add_argument("--ef-construction", type=int, default=200)
args = parser.parse_args()
base = read_vecs(os.path.join(args.folder, "base.fvecs"), np.float32)
queries = read_vecs(os.path.join(args.folder, "queries.fvecs"), np.float32)
truth = read_vecs(os.path.join(args.folder, "groundtruth.ivecs"), np.int32)[:, :10]

index = hnswlib.Index(space="ip", dim=base.shape[1])
index.init_index(max_elements=len(base), M=args.m, ef_construction=args.ef_construction, random_seed=100)
index.set_num_threads(1)
start = time.perf_counter()
index.add_items(base, np.arange(len(base)), num_threads=1)
build = time.perf_counter() - start
path = os.path.join(tempfile.mkdtemp(), "hnswlib.bin")
index.save_index(path)
size = os.path.getsize(path)
start = time.perf_counter()
loaded = hnswlib.Index(space="ip", dim=base.shape[1])
loaded.load_index(path, max_elements=len(base))
open_ms = (time.perf_counter() - start) * 1000

results = []
for ef in [int(e) for e in args.ef.split(",")]:
    index.set_ef(ef)
    best, found = float("inf"), 0
    for rep in range(3):
        start = time.perf_counter()
        hits = 0
        for q, t in zip(queries, truth):  # one query per call: single-query latency, as coachrag measures
            labels, _ = index.knn_query(q, k=10, num_threads=1)
            if rep == 0:
                hits += len(set(labels[0].tolist()) & set(t.tolist()))
        best = min(best, time.perf_counter() - start)
        if rep == 0:
            found = hits
    results.append({"ef": ef, "recall_at_10": found / (len(queries) * 10), "qps": len(queries) / best})
print(json.dumps({"library": "hnswlib", "n": len(base), "dim": int(base.shape[1]), "build_seconds": build,
                  "file_bytes": size, "open_ms": open_ms, "results": results}))
