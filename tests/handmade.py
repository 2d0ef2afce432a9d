"""A stock certificate written by hand with ReportLab: "a PDF made by other software".

The PDF rules must work on certificates certgen did not make.  This one has
its own layout and the standard Times fonts; every part can be left out or
altered, so that each rule has a PDF that breaks it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

ASSIGNMENT = (
    "For value received, ______ hereby sell, assign and transfer unto PLEASE INSERT SOCIAL SECURITY OR "
    "OTHER IDENTIFYING NUMBER OF ASSIGNEE ______ Shares of the capital stock represented by the within "
    "Certificate, and do hereby irrevocably constitute and appoint ______ Attorney to transfer the said "
    "stock on the books of the within named Corporation with full power of substitution in the premises. "
    "Dated ______"
)
NOTICE = (
    "NOTICE: THE SIGNATURE TO THIS ASSIGNMENT MUST CORRESPOND WITH THE NAME AS WRITTEN UPON THE FACE OF THE "
    "CERTIFICATE IN EVERY PARTICULAR, WITHOUT ALTERATION OR ENLARGEMENT OR ANY CHANGE WHATEVER."
)
GUARANTEE = (
    "Signature(s) Guaranteed: THE SIGNATURE(S) MUST BE GUARANTEED BY AN ELIGIBLE GUARANTOR INSTITUTION "
    "WITH MEMBERSHIP IN AN APPROVED SIGNATURE GUARANTEE MEDALLION PROGRAM, PURSUANT TO S.E.C. RULE 17Ad-15."
)


def handmade_certificate(
    legends: Sequence[str],
    *,
    issuer: str = "THORNBURG MORTGAGE, INC.",
    title: str = "Series B Cumulative Preferred Stock",
    cusip: str | None = "885218 30 5",
    cusip_label: str = "CUSIP",
    number: str | None = "PB 0007",
    holder: str | None = "JANE Q. PUBLIC",
    figures: str | None = "1,500",
    words: str | None = "ONE THOUSAND FIVE HUNDRED",
    officers: Sequence[str] = ("Secretary", "Chairman"),
    agent: str | None = "CONTINENTAL STOCK TRANSFER & TRUST COMPANY",
    assignment: bool = True,
    notice: bool = True,
    guarantee: bool = True,
    off_page: bool = False,
    overlap: bool = False,
) -> bytes:
    """Face and reverse of one certificate, as bytes."""
    buffer = io.BytesIO()
    width, height = landscape(letter)
    c = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    # face
    c.setFont("Times-Bold", 22)
    c.drawCentredString(width / 2, height - 110, issuer)
    c.setFont("Times-Roman", 11)
    if number:
        c.drawString(60, height - 60, f"No. {number}")
    if figures:
        c.drawRightString(width - 60, height - 60, f"{figures} SHARES")
    if cusip:
        c.drawRightString(width - 60, height - 80, f"{cusip_label} {cusip}")
    c.drawCentredString(width / 2, height - 140, "INCORPORATED UNDER THE LAWS OF THE STATE OF MARYLAND")
    c.drawString(60, height - 190, f"THIS CERTIFIES THAT {holder or ''}")
    c.drawString(60, height - 215, f"is the registered holder of {words or ''}")
    c.drawString(60, height - 240, f"fully paid and non-assessable shares of the {title}.")
    for index, title in enumerate(officers):
        x = 120 + index * 300
        c.line(x - 70, 120, x + 70, 120)
        c.drawCentredString(x, 106, title)
    if agent:
        c.drawString(60, 200, "COUNTERSIGNED AND REGISTERED:")
        c.drawString(60, 186, f"{agent}, TRANSFER AGENT AND REGISTRAR")
        c.drawString(60, 172, "By ____________ AUTHORIZED SIGNATURE")
    if off_page:
        c.drawString(-80, 300, "PRINTED OFF THE PAGE")
    if overlap:
        c.drawString(300, 300, "OVERPRINTED TEXT")
        c.drawString(303, 301, "OVERPRINTED TEXT")
    c.showPage()
    # reverse
    y = height - 50
    blocks = list(legends) + [
        b for b, keep in ((ASSIGNMENT, assignment), (NOTICE, notice), (GUARANTEE, guarantee)) if keep
    ]
    for block in blocks:
        c.setFont("Times-Roman", 7.5)
        for line in simpleSplit(block, "Times-Roman", 7.5, width - 120):
            c.drawString(60, y, line)
            y -= 9
        y -= 8
    c.showPage()
    c.save()
    return buffer.getvalue()
