"""Past customer threads (.eml, .mbox) → question/reply pairs for the experts' suggestion queue.

Reading uses the standard library (``email`` with the modern policy, ``mailbox``). Quoted history,
reply headers ("On … wrote:") and signatures are stripped by mail-parser-reply (MIT). Who is the
customer: the sender of a thread's first message; a reply from another mail domain is the team's
answer to the customer's latest question. Every participant's name and address, and the customer's
company name, are removed from the suggested text; greetings and sign-off lines go too.

Outlook ``.msg`` is not read: the maintained reader (extract-msg) is GPL-3.0, which the bundled
app cannot ship; the report asks to save such a message as .eml (Outlook: File → Save As).
"""

from __future__ import annotations

import email
import email.policy
import mailbox
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from kb.documents.html_doc import html_text
from kb.documents.model import Converted, DocumentError, ThreadPair
from kb.documents.text import one_line, tidy, title_from_name

MAX_MESSAGE_CHARS = 200_000
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_GREETING = re.compile(r"^\s*(hi|hello|hey|dear|good (morning|afternoon|evening))\b[^\n]{0,60}[,!:]?\s*$", re.I)
_SIGNOFF = re.compile(r"^\s*(thanks|thank you|many thanks|cheers|best|regards|kind regards|best regards)\b[^\n]{0,40}$",
                      re.I)  # fmt: skip
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|wg)\s*(\[\d+\])?\s*:\s*)+", re.I)
FREE_MAIL = {"gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "proton.me", "gmx.de"}


@dataclass
class Mail:
    sender: str
    domain: str
    names: set[str]
    addresses: set[str]
    subject: str
    body: str
    message_id: str
    in_reply_to: str
    date: str
    index: int


def _text_body(msg: EmailMessage) -> str:
    """The plain-text part, else the HTML part reduced to text; attachments are never opened."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)
    if part.get_content_subtype() == "html":
        content = html_text(str(content))
    return str(content)[:MAX_MESSAGE_CHARS]


def _read(msg: EmailMessage, index: int) -> Mail:
    pairs = getaddresses([str(msg.get(h, "")) for h in ("from", "to", "cc", "reply-to")])
    sender_name, sender = (getaddresses([str(msg.get("from", ""))]) or [("", "")])[0]
    names = {n.strip() for n, _ in pairs if n.strip()}
    addresses = {a.lower() for _, a in pairs if a}
    try:
        date = parsedate_to_datetime(str(msg["date"])).date().isoformat() if msg["date"] else ""
    except (TypeError, ValueError):
        date = ""
    return Mail(
        sender=sender.lower(), domain=sender.lower().rpartition("@")[2], names=names | ({sender_name} - {""}),
        addresses=addresses, subject=one_line(str(msg.get("subject", ""))), body=_text_body(msg),
        message_id=str(msg.get("message-id", "")).strip(), in_reply_to=str(msg.get("in-reply-to", "")).strip(),
        date=date, index=index,
    )  # fmt: skip


def _latest(text: str) -> str:
    """The new text of one message: quoted history and signature removed."""
    from mailparser_reply import EmailReplyParser

    parsed = EmailReplyParser(languages=["en", "de", "fr", "es"]).read(text)
    replies = parsed.replies
    body = replies[0].body if replies else text
    return "\n".join(line for line in body.splitlines() if not line.lstrip().startswith(">"))


def scrub(text: str, names: Iterable[str], company_words: Iterable[str]) -> str:
    """Remove addresses, people's names (whole and by part), the customer's company, greetings and sign-offs."""
    text = _EMAIL.sub("", text)
    words: set[str] = set()
    for name in names:
        name = re.sub(r"[\"'()]", "", name).strip()
        if "," in name:  # "Jones, Pat"
            name = " ".join(reversed([p.strip() for p in name.split(",", 1)]))
        if name:
            words.add(name)
            words.update(p for p in name.split() if len(p) > 1)
    words.update(w for w in company_words if len(w) > 2)
    for word in sorted(words, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)('s)?", "", text, flags=re.IGNORECASE)
    lines = [ln for ln in text.splitlines() if not _GREETING.match(ln) and not _SIGNOFF.match(ln)]
    text = tidy("\n".join(lines))
    return re.sub(r"\s+([,.!?])", r"\1", re.sub(r"\(\s*\)|\[\s*\]|<\s*>", "", text)).strip(" ,")


def _company(domain: str) -> list[str]:
    if not domain or domain in FREE_MAIL:
        return []
    return [domain.split(".")[-2] if domain.count(".") >= 1 else domain]


def pairs_from(mails: list[Mail]) -> list[ThreadPair]:
    """Customer question → the team's next reply, per thread (grouped by reply chain, else subject)."""
    threads: dict[str, list[Mail]] = {}
    root_of: dict[str, str] = {}
    for m in mails:
        key = root_of.get(m.in_reply_to) or _SUBJECT_PREFIX.sub("", m.subject).lower() or m.message_id or str(m.index)
        root_of[m.message_id] = key
        threads.setdefault(key, []).append(m)
    out: list[ThreadPair] = []
    total = len(mails)
    for thread in threads.values():
        if len(thread) == 1:  # a reply saved alone: the customer's question is what it quotes
            m = thread[0]
            q = scrub(_latest(_quoted(m.body)), m.names, _company(_other_domain(m)))
            a = scrub(_latest(m.body), m.names, _company(_other_domain(m)))
            if q and a:
                subject = scrub(_SUBJECT_PREFIX.sub("", m.subject), m.names, _company(_other_domain(m)))
                where = "message 1 of 1 (and the message it quotes)"
                out.append(ThreadPair(q, a, subject, where, m.message_id, m.date))
            continue
        customer = thread[0].domain
        names: set[str] = set().union(*(m.names for m in thread))
        company = _company(customer)
        question: Mail | None = None
        for m in thread:
            if m.domain == customer:
                question = m
            elif question is not None:
                q = scrub(_latest(question.body), names, company)
                a = scrub(_latest(m.body), names, company)
                if q and a:
                    subject = scrub(_SUBJECT_PREFIX.sub("", question.subject), names, company)
                    out.append(ThreadPair(q, a, subject, f"message {m.index} of {total}", m.message_id or
                                          f"{question.index}-{m.index}", m.date))  # fmt: skip
                question = None
    return out


def _quoted(body: str) -> str:
    """The message a reply quotes ("> " lines), one quoting level removed."""
    lines = [ln.lstrip()[1:] for ln in body.splitlines() if ln.lstrip().startswith(">")]
    return "\n".join(ln[1:] if ln.startswith(" ") else ln for ln in lines)


def _other_domain(m: Mail) -> str:
    """The first domain among a message's addresses that is not the sender's: the customer's."""
    return next((a.rpartition("@")[2] for a in sorted(m.addresses) if a.rpartition("@")[2] != m.domain), "")


def convert_eml(path: Path) -> Converted:
    with path.open("rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    if not msg.keys():
        raise DocumentError("not an email message (no headers)")
    mails = [_read(msg, 1)]  # type: ignore[arg-type]
    mails += _attached_history(msg)  # type: ignore[arg-type]
    return _converted(path, mails)


def _attached_history(msg: EmailMessage) -> list[Mail]:
    """Messages forwarded as attachments (message/rfc822) belong to the same thread."""
    out = []
    for part in msg.iter_attachments():
        if part.get_content_type() == "message/rfc822":
            inner = part.get_content()
            if isinstance(inner, EmailMessage):
                out.append(_read(inner, len(out) + 2))
    return out


def convert_mbox(path: Path) -> Converted:
    box = mailbox.mbox(path, factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default),
                       create=False)  # fmt: skip
    try:
        mails = [_read(m, n) for n, m in enumerate(box, start=1)]
    finally:
        box.close()
    if not mails:
        raise DocumentError("no messages in the mailbox (is it an mbox file?)")
    return _converted(path, mails)


def _converted(path: Path, mails: list[Mail]) -> Converted:
    mails.sort(key=lambda m: (m.date or "", m.index))
    out = Converted(title=title_from_name(path.stem), kind="email", pages=len(mails))
    out.pairs = pairs_from(mails)
    if not out.pairs:
        out.notes.append("no customer question with a reply from the team found; nothing suggested")
    return out


def refuse_msg(path: Path) -> Converted:
    raise DocumentError(
        "Outlook .msg is not read (its maintained reader, extract-msg, is GPL-3.0); drag the message "
        "from Outlook to a folder as .eml, or export the mail folder as .mbox, and import that"
    )
