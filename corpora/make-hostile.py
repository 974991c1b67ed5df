#!/usr/bin/env python3
"""Regenerates corpora/hostile/: one small file per failure class, and expected.json
(file → error code), which CLITests/HostileCorpusTests checks against `coachrag parse`.

Needs: qpdf (apt), reportlab (pip). Run from anywhere; output is deterministic.
"""
import io, json, os, random, struct, subprocess, zipfile, zlib

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "hostile")
DEMO = os.path.join(ROOT, "demo")
os.makedirs(OUT, exist_ok=True)
expected = {}


def write(name, data, code):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    expected[name] = code


def docx(parts):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


CT = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def document(body, prolog=""):
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document {W}><w:body>{body}</w:body></w:document>').encode()


good_pdf = open(os.path.join(DEMO, "sleep-guide.pdf"), "rb").read()

write("empty.txt", b"", "empty_file")
write("empty.pdf", b"", "empty_file")
# Cut before the first page's content and the xref: poppler cannot reconstruct a page tree.
write("truncated.pdf", good_pdf[:600], "corrupt_pdf")
write("corrupt.pdf", b"%PDF-1.4\n" + bytes(random.Random(7).randrange(256) for _ in range(2000)), "corrupt_pdf")

subprocess.run(["qpdf", "--encrypt", "user-secret", "owner-secret", "256", "--",
                os.path.join(DEMO, "sleep-guide.pdf"), os.path.join(OUT, "encrypted.pdf")], check=True)
expected["encrypted.pdf"] = "encrypted_pdf"

from reportlab import rl_config
from reportlab.lib.pagesizes import A6
from reportlab.pdfgen import canvas
rl_config.invariant = 1
buf = io.BytesIO()
c = canvas.Canvas(buf, pagesize=A6)
for page in range(2):  # shapes only: what a scan looks like to a text extractor
    for i in range(40):
        c.rect(10 + (i % 8) * 30, 20 + (i // 8) * 50, 25, 4, fill=1)
    c.showPage()
c.save()
write("image-only.pdf", buf.getvalue(), "image_only_pdf")

write("broken-zip.docx", docx([("[Content_Types].xml", CT), ("word/document.xml", document("<w:p/>"))])[:120], "not_a_zip")
write("missing-document-xml.docx", docx([("[Content_Types].xml", CT), ("word/styles.xml", b"<w:styles/>")]), "missing_document_xml")


def bomb():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", date_time=(2026, 1, 1, 0, 0, 0)), CT)
        info = zipfile.ZipInfo("word/document.xml", date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as f:
            f.write(f'<w:document {W}><w:body><w:p><w:r><w:t>'.encode())
            block = b"A" * (1 << 20)
            for _ in range(200):  # 200 MiB of one letter
                f.write(block)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


write("zip-bomb.docx", bomb(), "zip_bomb")
write("path-traversal.docx", docx([("[Content_Types].xml", CT), ("word/document.xml", document("<w:p><w:r><w:t>hi</w:t></w:r></w:p>")),
                                   ("../evil.txt", b"owned")]), "unsafe_entry_name")
write("xxe.docx", docx([("[Content_Types].xml", CT), ("word/document.xml", document(
    "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'))]), "xml_rejected")
laughs = '<!DOCTYPE d [<!ENTITY l0 "ha">' + "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10)) + "]>"
write("billion-laughs.docx", docx([("[Content_Types].xml", CT), ("word/document.xml", document("<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>", laughs))]), "xml_rejected")
write("deep-nesting.docx", docx([("[Content_Types].xml", CT), ("word/document.xml", document("<w:sdt>" * 10000 + "</w:sdt>" * 10000))]), "nesting_too_deep")

rng = random.Random(11)
write("binary.txt", bytes(rng.randrange(256) for _ in range(4096)) + b"\x00" * 64, "binary_content")
write("undecodable.txt", b"\xff\xfe" + "Sleep".encode("utf-16-le") + b"\x00\xd8" + "a".encode("utf-16-le"), "undecodable_text")


def png():
    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * 4 for _ in range(4))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


write("photo.png", png(), "unsupported_format")
write("legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "unsupported_format")

# A saved error page named like a document: refused, never read as text.
write("error-page.docx", b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>\n", "content_mismatch")
write("notes-named.pdf", b"Session notes: sleep seven to nine hours.\n", "content_mismatch")

# Not failures: the content decides the format, whatever the extension says.
write("docx-named.pdf", open(os.path.join(DEMO, "meal-prep.docx"), "rb").read(), None)
write("pdf-named.txt", open(os.path.join(DEMO, "strength-training-basics.pdf"), "rb").read(), None)

with open(os.path.join(ROOT, "hostile-expected.json"), "w") as f:
    json.dump(expected, f, indent=2, sort_keys=True)
    f.write("\n")
print(f"{len(expected)} hostile files written to {OUT}")
