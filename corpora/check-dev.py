#!/usr/bin/env python3
"""Checks dev-questions.jsonl and dev-conversations.jsonl against corpora/demo/ and corpora/dev/.

Each answer_doc must exist; each answer_span must occur (case-sensitive, whitespace-collapsed) in the
document's text, and for PDFs on answer_page (in both `pdftotext` and `pdftotext -layout` output).
Also warns when a span occurs in another document too. PDF spans must not cross a line.  `check-dev.py --find TEXT` lists where TEXT
occurs (document and page), to help write questions.  Needs pdftotext (poppler-utils).
"""
import html, json, os, re, subprocess, sys, zipfile

ROOT = os.path.dirname(os.path.abspath(__file__))
DIRS = [os.path.join(ROOT, "demo"), os.path.join(ROOT, "dev")]
KINDS = {"number", "name", "price", "date", "paraphrase", "keyword", "followup", "topic_switch"}


def norm(s):
    return " ".join(s.replace("\ufb01", "fi").replace("\ufb02", "fl").split())


def pdf_pages(path):
    """[(plain, layout, lines), ...] per page: a PDF span must lie on one line (no line or page break)."""
    runs = [subprocess.run(["pdftotext", *opt, path, "-"], capture_output=True, check=True).stdout.decode("utf-8")
            for opt in ([], ["-layout"])]
    return [(norm(p), norm(l), [norm(x) for x in l.splitlines()])
            for p, l in zip(*(r.split("\f") for r in runs))]


def text_of(path):
    if path.endswith(".pdf"):
        return pdf_pages(path)
    raw = open(path, "rb").read()
    if path.endswith(".docx"):
        xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
        paras = ["".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", p)) for p in xml.split("</w:p>")]
        text = norm(html.unescape("\n".join(paras)))
        return [(text, text, [text])]
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
    return [(norm(text), norm(text), [norm(text)])]


DOCS = {}
for d in DIRS:
    for f in sorted(os.listdir(d)):
        DOCS[f] = text_of(os.path.join(d, f))


def where(span):
    """[(doc, page)] where span occurs in both extractions; page is None for non-PDFs."""
    span = norm(span)
    return [(doc, i + 1 if doc.endswith(".pdf") else None) for doc, pages in DOCS.items()
            for i, (plain, layout, lines) in enumerate(pages)
            if span in plain and span in layout and any(span in x for x in lines)]


if len(sys.argv) > 2 and sys.argv[1] == "--find":
    for doc, page in where(" ".join(sys.argv[2:])):
        print(doc, page or "")
    sys.exit(0)

errors, warnings, counts = [], [], {}
for fname in ["dev-questions.jsonl", "dev-conversations.jsonl"]:
    ids = set()
    for n, line in enumerate(open(os.path.join(ROOT, fname), encoding="utf-8"), 1):
        if not line.strip():
            continue
        q = json.loads(line)
        tag = f"{fname}:{n} {q.get('id')}"
        if q["id"] in ids:
            errors.append(f"{tag}: duplicate id")
        ids.add(q["id"])
        counts[(fname, q["kind"])] = counts.get((fname, q["kind"]), 0) + 1
        doc, span, page = q["answer_doc"], q["answer_span"], q.get("answer_page")
        if q["kind"] not in KINDS:
            errors.append(f"{tag}: bad kind {q['kind']}")
        if fname == "dev-conversations.jsonl" and not q.get("context"):
            errors.append(f"{tag}: no context")
        if doc not in DOCS:
            errors.append(f"{tag}: {doc} not in demo/ or dev/")
            continue
        if doc.endswith(".pdf") != (page is not None):
            errors.append(f"{tag}: answer_page must be given for PDFs only")
        if not 3 <= len(span.split()) <= 8:
            warnings.append(f"{tag}: span has {len(span.split())} words")
        hits = where(span)
        if (doc, page) not in hits:
            errors.append(f"{tag}: span {span!r} not found in {doc} page {page}; found at {hits}")
        others = sorted({d for d, _ in hits if d != doc})
        if others:
            warnings.append(f"{tag}: span {span!r} also in {others}")

for w in warnings:
    print("warning:", w)
for e in errors:
    print("ERROR:", e)
for (fname, kind), c in sorted(counts.items()):
    print(f"{fname}: {kind} {c}")
print(f"{len(DOCS)} documents; {sum(counts.values())} items; {len(errors)} errors, {len(warnings)} warnings")
sys.exit(1 if errors else 0)
