"""PDF → one section per page (PDFs carry no reliable headings), with pypdf.

pypdf is pure Python (BSD-3-Clause) and reads the text layer only: no JavaScript, no forms
actions, no embedded files. Encrypted PDFs that open with an empty user password (owner-password
"protection" against printing) are read; ones that need a password are refused by name.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from kb.documents.model import Converted, DocumentError, Section
from kb.documents.text import one_line, tidy, title_from_name

MAX_PAGES = 5_000
logging.getLogger("pypdf").setLevel(logging.ERROR)  # it logs every repaired xref; we report what fails


def convert_pdf(path: Path) -> Converted:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(path, strict=False)
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except (NotImplementedError, DependencyError) as exc:
                    raise DocumentError(f"encrypted PDF this reader cannot decrypt ({exc})") from None
                if not opened:
                    raise DocumentError(
                        "password-protected PDF: remove the password (or print to PDF) and import again"
                    )
            pages = reader.pages
            count = len(pages)
        except DocumentError:
            raise
        except FileNotDecryptedError:
            raise DocumentError("password-protected PDF: remove the password and import again") from None
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
            raise DocumentError(f"not a readable PDF ({type(exc).__name__}: {one_line(str(exc))[:160]})") from None
        if count > MAX_PAGES:
            raise DocumentError(f"{count:,} pages; the limit is {MAX_PAGES:,}")
        title = ""
        try:
            meta = reader.metadata
            title = one_line(str(meta.title)) if meta and meta.title else ""
        except Exception:  # noqa: BLE001 - a broken info dictionary only costs the title
            title = ""
        out = Converted(title=title or title_from_name(path.stem), kind="pdf", pages=count)
        for n in range(count):
            where = f"page {n + 1}"
            try:
                text = tidy(pages[n].extract_text() or "")
            except Exception as exc:  # noqa: BLE001 - pypdf raises many types on a damaged page
                out.notes.append(f"{where}: text could not be read ({type(exc).__name__}); page skipped")
                continue
            if not text:
                continue
            first = next((ln for ln in text.split("\n") if ln.strip()), "")
            heading = first if len(first) <= 90 else first[:87] + "…"
            out.sections.append(Section(heading, text, where, key=f"p{n + 1}"))
    if count and not out.sections:
        raise DocumentError(
            f"no text layer on any of its {count} page(s) (a scan?); text recognition (OCR) is not done"
        )
    return out

