#!/usr/bin/env python3
"""Regenerates corpora/demo/ from corpora/src/ with real tools.

- PDFs: reportlab (pip) typesets the Markdown sources with DejaVu Sans, a running header and a
  "Page N of M" footer on every page, and pyphen hyphenation (words broken across line ends);
  the sleep guide keeps typographic ligatures (U+FB01/FB02) in its text layer.
- DOCX: pandoc (apt) converts the Markdown (tables, lists, footnotes, a page break); meal-prep.docx
  is then patched with one tracked insertion and one tracked deletion (w:ins / w:del).
- TXT: written in several encodings (UTF-8, UTF-8 BOM, UTF-16 LE/BE BOM, Windows-1252 with CRLF).

Needs: apt-get install pandoc fonts-dejavu-core; pip install reportlab pyphen.
Run from the package root: python3 corpora/make-demo.py (set SOURCE_DATE_EPOCH for stable output).
"""
import io, os, re, subprocess, sys, zipfile

ROOT = os.path.dirname(os.path.abspath(__file__))
SRC, OUT = os.path.join(ROOT, "src"), os.path.join(ROOT, "demo")
os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
os.makedirs(OUT, exist_ok=True)


def pdf(name, title, ligatures=False):
    from reportlab.lib.pagesizes import A6 as A5
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab import rl_config
    rl_config.invariant = 1  # deterministic output (fixed dates and ids)
    pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"))
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=9, leading=12, alignment=4, hyphenationLang="en_GB", hyphenationMinWordLength=5, embeddedHyphenation=1, uriWasteReduce=0.3)
    heading = ParagraphStyle("h", fontName="DejaVu-Bold", fontSize=13, leading=18, spaceBefore=6, spaceAfter=4)
    story = []
    for block in open(os.path.join(SRC, name + ".md"), encoding="utf-8").read().split("\n\n"):
        block = block.strip()
        if not block:
            continue
        if ligatures:
            block = block.replace("fi", "\ufb01").replace("fl", "\ufb02")
        if block.startswith("#"):
            story.append(Paragraph(block.lstrip("# ").strip(), heading))
            continue
        for line in (block.split("\n") if block.startswith("- ") or block.startswith("Week") or block.startswith("Monday") else [block]):
            text = line.replace("&", "&amp;").replace("<", "&lt;")
            if text.startswith("- "):
                text = "• " + text[2:]
            story.append(Paragraph(text, body))
        story.append(Spacer(1, 3 * mm))

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("DejaVu", 8)
        width, height = A5
        canvas.drawString(10 * mm, height - 10 * mm, f"Coaching Handbook — {title}")
        canvas.drawRightString(width - 10 * mm, 8 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(os.path.join(OUT, name + ".pdf"), pagesize=A5, title=title, author="coachrag demo",
                            leftMargin=10 * mm, rightMargin=10 * mm, topMargin=16 * mm, bottomMargin=16 * mm)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)


def docx(name, tracked_changes=False):
    out = os.path.join(OUT, name + ".docx")
    subprocess.run(["pandoc", os.path.join(SRC, name + ".md"), "-f", "markdown", "-t", "docx", "-o", out], check=True)
    if tracked_changes:
        patch_tracked_changes(out)
    normalise_zip(out)


def patch_tracked_changes(path):
    """Adds a tracked insertion and deletion to the first body paragraph that mentions ninety minutes."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    run = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'
    ins = '<w:ins w:id="901" w:author="Coach" w:date="2026-01-01T00:00:00Z">' + run.format(" Put on music you like.") + "</w:ins>"
    dele = ('<w:del w:id="902" w:author="Coach" w:date="2026-01-01T00:00:00Z"><w:r><w:delText xml:space="preserve">'
            " Deep-fry everything in advance.</w:delText></w:r></w:del>")
    xml, n = re.subn(r"(Set aside ninety minutes on Sunday afternoon\.[^<]*</w:t></w:r>)", r"\1" + ins + dele, xml, count=1)
    assert n == 1, "paragraph for tracked changes not found"
    parts["word/document.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def normalise_zip(path):
    """Fixed timestamps and entry order, so regenerating gives the same bytes."""
    with zipfile.ZipFile(path) as z:
        parts = [(n, z.read(n)) for n in z.namelist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def txt(name, encoding, bom=b"", crlf=False):
    text = open(os.path.join(SRC, name), encoding="utf-8").read()
    if crlf:
        text = text.replace("\n", "\r\n")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bom + text.encode(encoding))


pdf("sleep-guide", "Sleep", ligatures=True)
pdf("running-10k-plan", "Running")
pdf("strength-training-basics", "Strength")
docx("nutrition-basics")
docx("goal-setting")
docx("meal-prep", tracked_changes=True)
txt("habits.txt", "utf-8")
txt("hydration.txt", "utf-8", bom=b"\xef\xbb\xbf")
txt("stress-and-mindfulness.txt", "utf-16-le", bom=b"\xff\xfe")
txt("recovery.txt", "utf-16-be", bom=b"\xfe\xff")
txt("motivation-and-accountability.txt", "cp1252", crlf=True)
txt("journaling.txt", "utf-8", crlf=True)
print("demo corpus written to", OUT)
