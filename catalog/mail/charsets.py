"""Decode bytes and header values from real-world mail without ever raising.

Declared charsets are a hint, not a promise. ``decode_text`` tries, in order: the declared
charset (with the WHATWG reading of ``us-ascii``/``iso-8859-1`` as windows-1252), the Windows
sibling of a declared ISO-8859 charset, UTF-8, and windows-1252; a candidate is accepted when it
decodes strictly and yields no C1 control characters (a sure sign of a wrong single-byte guess).
If nothing fits, UTF-8 with U+FFFD replacement characters is used when the bytes look like
damaged UTF-8 (declared so and containing valid sequences, or mostly valid sequences), and
windows-1252 with replacement otherwise.
"""

import base64
import binascii
import codecs
import re

_ALIASES = {
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso_8859-1": "cp1252",
}
_WINDOWS_SIBLING = {
    "iso8859-1": "cp1252",
    "iso8859-2": "cp1250",
    "iso8859-9": "cp1254",
    "iso8859-7": "cp1253",
    "iso8859-13": "cp1257",
}
_C1 = re.compile("[\x80-\x9f]")
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
ENCODED_WORD_SPLIT = re.compile(r"(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)")


def _codec_name(charset: str | None) -> str | None:
    """Return Python's codec name for ``charset`` (an RFC 2231 language suffix is ignored)."""
    if not charset:
        return None
    label = charset.split("*", 1)[0].strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def _strict(data: bytes, codec: str) -> str | None:
    """Decode strictly; None on failure or when C1 controls betray a wrong guess."""
    try:
        text = data.decode(codec)
    except (UnicodeError, LookupError):
        return None
    return None if _C1.search(text) else text


def decode_text(data: bytes, charset: str | None = None) -> str:
    """Decode ``data`` using the declared ``charset`` as a hint; never raises."""
    declared = _codec_name(charset)
    names = [declared, _WINDOWS_SIBLING.get(declared or ""), "utf-8"]
    for codec in dict.fromkeys(name for name in names if name):
        text = _strict(data, codec)
        if text is not None:
            return text
    if _looks_like_utf8(data, declared == "utf-8"):
        return data.decode("utf-8", "replace")
    return _strict(data, "cp1252") or data.decode("cp1252", "replace")


def _looks_like_utf8(data: bytes, declared: bool) -> bool:
    """True for damaged UTF-8: declared and with valid sequences, or mostly valid sequences."""
    valid = len(_UTF8_SEQUENCE.findall(data))
    if declared:
        return valid > 0
    return valid > data.decode("utf-8", "replace").count("\ufffd")


def decode_raw_header(value: str) -> str:
    """Turn a raw header value (8-bit bytes smuggled as surrogates) into text."""
    if value.isascii():
        return value
    data = value.encode("utf-8", "surrogateescape")
    return decode_text(data, "utf-8")


def _decode_word(charset: str, encoding: str, payload: str) -> str | None:
    raw = payload.encode("ascii", "replace")
    try:
        if encoding in "bB":
            raw = re.sub(rb"[^A-Za-z0-9+/]", b"", raw)
            data = base64.b64decode(raw + b"=" * (-len(raw) % 4))
        else:
            data = binascii.a2b_qp(raw, header=True)
    except (binascii.Error, ValueError):
        return None
    if payload and not data:
        return None
    return decode_text(data, charset)


def decode_encoded_words(value: str) -> str:
    """Decode RFC 2047 encoded-words in ``value``; broken words are left as written.

    Whitespace between two decoded words is dropped, as RFC 2047 requires.
    """
    pieces: list[str] = []
    after_word = False
    for index, piece in enumerate(ENCODED_WORD_SPLIT.split(value)):
        if index % 2 == 0:
            pieces.append(piece)
            after_word = after_word and (not piece or piece.isspace())
            continue
        decoded = _decode_word(*ENCODED_WORD.match(piece).groups())
        if decoded is not None and after_word and pieces[-1].isspace():
            pieces.pop()
        pieces.append(piece if decoded is None else decoded)
        after_word = decoded is not None
    return "".join(pieces)


def decode_header_value(raw: str | None) -> str | None:
    """Return a raw header value unfolded and fully decoded, or None for a missing header."""
    if raw is None:
        return None
    text = decode_encoded_words(re.sub(r"\r?\n(?=[ \t])", "", decode_raw_header(raw)))
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text).replace("\n", " ")
    return re.sub(r"\s+", " ", text).strip()
