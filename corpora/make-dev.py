#!/usr/bin/env python3
"""Regenerates corpora/dev/, the retrieval development corpus, from corpora/src-dev/.

30 companion/distractor handouts near the 12 demo topics but with different facts (teen and shift-work
sleep, 5K/half-marathon plans, Riverside Running Club 2024 vs 2026, Northside Strength Club timetable
and prices, Peak Habits FAQ 2026 vs terms 2024, ...); 6 have 2,000+ words. Output: 10 PDFs (A6, header,
"Page N", hyphenated, as make-demo.py), 6 DOCX (pandoc), 14 TXT (UTF-8, one BOM, one CRLF).
dev-questions.jsonl: 114 single-turn questions (56 demo, 58 dev; number 53, keyword 19, paraphrase 14,
name 13, price 9, date 6); dev-conversations.jsonl: 53 multi-turn items (40 followup, 13 topic_switch).
Needs pandoc, fonts-dejavu-core, poppler-utils (apt), reportlab, pyphen (pip). Run: python3 corpora/make-dev.py
(deterministic); it then runs check-dev.py, which verifies every answer span (and PDF page) in its document.
"""
import os, subprocess, sys, zipfile

ROOT = os.path.dirname(os.path.abspath(__file__))
SRC, OUT = os.path.join(ROOT, "src-dev"), os.path.join(ROOT, "dev")
os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
os.makedirs(OUT, exist_ok=True)

PDFS = {"sleep-teens": "Teen Sleep", "sleep-shift-workers": "Shift Work Sleep", "half-marathon-plan": "Half Marathon",
        "strength-over-50": "Strength Over 50", "coaching-faq-2026": "Coaching FAQ 2026",
        "riverside-running-club-2026": "Riverside Running Club", "5k-beginners-plan": "Beginners 5K",
        "northside-strength-timetable": "Northside Timetable", "race-day-fuelling": "Race Fuelling",
        "return-to-running": "Return to Running"}
DOCXS = ["riverside-running-club-2024", "vegetarian-nutrition", "meal-prep-2023", "woop-workshop",
         "northside-strength-prices", "habit-stacking-workbook"]


def pdf(name, title):
    """As make-demo.py's pdf(), except that every source line becomes its own paragraph."""
    from reportlab.lib.pagesizes import A6
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab import rl_config
    rl_config.invariant = 1
    pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"))
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=9, leading=12, alignment=4, hyphenationLang="en_GB",
                          hyphenationMinWordLength=5, embeddedHyphenation=1, uriWasteReduce=0.3)
    heading = ParagraphStyle("h", fontName="DejaVu-Bold", fontSize=13, leading=18, spaceBefore=6, spaceAfter=4)
    story = []
    for block in open(os.path.join(SRC, name + ".md"), encoding="utf-8").read().split("\n\n"):
        block = block.strip()
        if not block:
            continue
        if block.startswith("#"):
            story.append(Paragraph(block.lstrip("# ").strip(), heading))
            continue
        for line in block.split("\n"):
            text = line.replace("&", "&amp;").replace("<", "&lt;")
            story.append(Paragraph("• " + text[2:] if text.startswith("- ") else text, body))
        story.append(Spacer(1, 3 * mm))

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("DejaVu", 8)
        width, height = A6
        canvas.drawString(10 * mm, height - 10 * mm, f"Coaching Handbook — {title}")
        canvas.drawRightString(width - 10 * mm, 8 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(os.path.join(OUT, name + ".pdf"), pagesize=A6, title=title, author="coachrag dev",
                            leftMargin=10 * mm, rightMargin=10 * mm, topMargin=16 * mm, bottomMargin=16 * mm)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)


def docx(name):
    out = os.path.join(OUT, name + ".docx")
    subprocess.run(["pandoc", os.path.join(SRC, name + ".md"), "-f", "markdown", "-t", "docx", "-o", out], check=True)
    with zipfile.ZipFile(out) as z:  # fixed timestamps and order, as make-demo.py's normalise_zip
        parts = [(n, z.read(n)) for n in z.namelist()]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts:
            z.writestr(zipfile.ZipInfo(n, date_time=(2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def txt(name, bom=b"", crlf=False):
    text = open(os.path.join(SRC, name), encoding="utf-8").read()
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bom + (text.replace("\n", "\r\n") if crlf else text).encode("utf-8"))


for name, title in PDFS.items():
    pdf(name, title)
for name in DOCXS:
    docx(name)
for name in sorted(f for f in os.listdir(SRC) if f.endswith(".txt")):
    txt(name, bom=b"\xef\xbb\xbf" if name == "caffeine-guide.txt" else b"", crlf=name == "jet-lag.txt")
print("dev corpus written to", OUT, f"({len(os.listdir(OUT))} files)")
if os.path.exists(os.path.join(ROOT, "dev-questions.jsonl")):
    sys.exit(subprocess.run([sys.executable, os.path.join(ROOT, "check-dev.py")]).returncode)
