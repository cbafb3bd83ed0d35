"""Which converter reads which file, and the guard around every one: size cap, clear errors."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from kb.documents import html_doc, mail, office, pdf, sheets
from kb.documents.model import Converted, DocumentError
from kb.documents.safety import check_size

CONVERTERS: dict[str, Callable[[Path], Converted]] = {
    ".pdf": pdf.convert_pdf,
    ".docx": office.convert_docx,
    ".pptx": office.convert_pptx,
    ".xlsx": sheets.convert_xlsx,
    ".xlsm": sheets.convert_xlsx,  # values only: the macros are never loaded
    ".html": html_doc.convert_html,
    ".htm": html_doc.convert_html,
    ".eml": mail.convert_eml,
    ".mbox": mail.convert_mbox,
    ".msg": mail.refuse_msg,
    ".csv": sheets.convert_rfp_csv,
}
LEGACY = {".doc": "docx", ".ppt": "pptx", ".xls": "xlsx"}
SUFFIXES = tuple(CONVERTERS) + tuple(LEGACY)
#: Exports put these beside the pages; they hold no article text.
SKIP_NAMES = {"index.html", "index.htm", "rfp_columns.toml"}


def is_document(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and path.name.lower() not in SKIP_NAMES


def convert(path: Path) -> Converted:
    """Read one file; any failure is a :class:`DocumentError` saying why (never another exception)."""
    suffix = path.suffix.lower()
    if suffix in LEGACY:
        raise DocumentError(f"old binary {suffix} format is not read; save it as .{LEGACY[suffix]} and import that")
    converter = CONVERTERS.get(suffix)
    if converter is None:
        raise DocumentError(f"not a document kind this import reads ({', '.join(SUFFIXES)})")
    try:
        check_size(path)
        return converter(path)
    except DocumentError:
        raise
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise DocumentError(f"corrupt archive ({exc})") from None
    except MemoryError:
        raise DocumentError("too large to read in memory") from None
    except Exception as exc:  # noqa: BLE001 - a parser bug on one file must not stop the folder
        raise DocumentError(f"could not be read ({type(exc).__name__}: {str(exc)[:160]})") from None
