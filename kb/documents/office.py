"""Word and PowerPoint → sections, with python-docx and python-pptx (MIT), text only.

Word: split by the document's own headings (Title, Heading 1-3); tables become Markdown tables in
reading order. PowerPoint: one section per slide, titled by the slide title, with its tables and
speaker notes. Macros, embedded objects (OLE), pictures and linked files are never opened; a
hyperlink keeps only its visible text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kb.documents.model import Converted, DocumentError, Section
from kb.documents.safety import check_office_zip
from kb.documents.text import by_headings, md_table, one_line, tidy, title_from_name

_HEADING = re.compile(r"^(?:heading|überschrift|titre|título)\s*(\d)$", re.IGNORECASE)
MAX_HEADING_LEVEL = 3


def _open_error(kind: str, exc: Exception) -> DocumentError:
    return DocumentError(f"not a readable .{kind} file ({type(exc).__name__}: {one_line(str(exc))[:160]})")


def _docx_blocks(doc: object) -> Iterator[tuple[int, str]]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in doc.iter_inner_content():  # type: ignore[attr-defined]  # paragraphs and tables in order
        if isinstance(block, Paragraph):
            text = block.text
            style = (block.style.name if block.style is not None else "") or ""
            m = _HEADING.match(style.strip())
            if style.strip().lower() == "title":
                yield 1, text
            elif m and int(m.group(1)) <= MAX_HEADING_LEVEL and text.strip():
                yield int(m.group(1)), text
            elif text.strip():
                prefix = "- " if "list" in style.lower() else ""
                yield 0, prefix + text
        elif isinstance(block, Table):
            rows = [[cell.text for cell in row.cells] for row in block.rows]
            yield 0, md_table(rows)


def convert_docx(path: Path) -> Converted:
    check_office_zip(path, "docx")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise _open_error("docx", exc) from None
    except Exception as exc:  # noqa: BLE001 - lxml/zip errors on damaged parts
        raise _open_error("docx", exc) from None
    title = one_line(doc.core_properties.title or "") or title_from_name(path.stem)
    out = Converted(title=title, kind="docx", pages=1)
    try:
        blocks = list(_docx_blocks(doc))
    except Exception as exc:  # noqa: BLE001
        raise _open_error("docx", exc) from None
    out.sections = by_headings(blocks, intro=title)
    return out


def _shape_text(shape: object) -> Iterator[str]:
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:  # type: ignore[attr-defined]
        for para in shape.text_frame.paragraphs:  # type: ignore[attr-defined]
            text = "".join(run.text for run in para.runs) or para.text
            if text.strip():
                yield ("  " * para.level + "- " + text) if para.level else text
    if getattr(shape, "has_table", False) and shape.has_table:  # type: ignore[attr-defined]
        yield md_table([[c.text for c in row.cells] for row in shape.table.rows])  # type: ignore[attr-defined]
    for inner in getattr(shape, "shapes", ()):  # group shapes
        yield from _shape_text(inner)


def convert_pptx(path: Path) -> Converted:
    check_office_zip(path, "pptx")
    from pptx import Presentation

    try:
        deck = Presentation(str(path))
    except Exception as exc:  # noqa: BLE001 - python-pptx raises KeyError/ValueError/lxml errors
        raise _open_error("pptx", exc) from None
    title = one_line(deck.core_properties.title or "") or title_from_name(path.stem)
    out = Converted(title=title, kind="pptx")
    for n, slide in enumerate(deck.slides, start=1):
        out.pages += 1
        where = f"slide {n}"
        try:
            heading = ""
            title_shape = slide.shapes.title
            if title_shape is not None and title_shape.has_text_frame:
                heading = one_line(title_shape.text_frame.text)
            parts = []
            for shape in slide.shapes:
                if title_shape is not None and shape.shape_id == title_shape.shape_id:
                    continue
                parts.extend(_shape_text(shape))
            if slide.has_notes_slide:
                notes = tidy(slide.notes_slide.notes_text_frame.text if slide.notes_slide.notes_text_frame else "")
                if notes:
                    parts.append("**Speaker notes:** " + notes)
        except Exception as exc:  # noqa: BLE001
            out.notes.append(f"{where}: could not be read ({type(exc).__name__}); slide skipped")
            continue
        text = tidy("\n\n".join(parts))  # each text-frame paragraph its own paragraph in the pane
        if text or heading:
            out.sections.append(Section(heading or f"Slide {n}", text or heading, where, key=f"s{n}"))
    return out
