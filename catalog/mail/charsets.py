"""Decode bytes and header values from real-world mail without ever raising.

Declared charsets are a hint, not a promise. ``decode_text`` tries, in order: the declared
charset (with the WHATWG reading of ``us-ascii``/``iso-8859-1`` as windows-1252), the Windows
sibling of a declared ISO-8859 charset, UTF-8, and windows-1252; a candidate is accepted when it
decodes strictly and yields no C1 control characters (a sure sign of a wrong single-byte guess).
If nothing fits, the best guess is decoded with U+FFFD replacement characters.
"""

import base64
import binascii
import codecs
import re

_ALIASES = {"us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-1": "cp1252", "latin1": "cp1252",
            "latin-1": "cp1252", "iso_8859-1": "cp1252"}
_WINDOWS_SIBLING = {"iso8859-1": "cp1252", "iso8859-2": "cp1250", "iso8859-9": "cp1254",
                    "iso8859-7": "cp1253", "iso8859-13": "cp1257"}
_C1 = re.compile("[\x80-\x9f]")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)[ \t\r\n]+(?==\?)")


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


def _candidates(charset: str | None) -> list[str]:
    declared = _codec_name(charset)
    names = [declared, _WINDOWS_SIBLING.get(declared or ""), "utf-8", "cp1252"]
    return list(dict.fromkeys(name for name in names if name))


def decode_text(data: bytes, charset: str | None = None) -> str:
    """Decode ``data`` using the declared ``charset`` as a hint; never raises."""
    for codec in _candidates(charset):
        try:
            text = data.decode(codec)
        except (UnicodeError, LookupError):
            continue
        if not _C1.search(text):
            return text
    fallback = "utf-8" if _UTF8_SEQUENCE.search(data) else "cp1252"
    return data.decode(fallback, "replace")


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
            data = base64.b64decode(raw + b"=" * (-len(raw) % 4))
        else:
            data = binascii.a2b_qp(raw, header=True)
    except (binascii.Error, ValueError):
        return None
    return decode_text(data, charset)


def decode_encoded_words(value: str) -> str:
    """Decode RFC 2047 encoded-words in ``value``; broken words are left as written."""
    value = _BETWEEN_WORDS.sub(r"\1", value)

    def replace(match: re.Match) -> str:
        decoded = _decode_word(*match.groups())
        return match.group(0) if decoded is None else decoded

    return ENCODED_WORD.sub(replace, value)


def decode_header_value(raw: str | None) -> str | None:
    """Return a raw header value unfolded and fully decoded, or None for a missing header."""
    if raw is None:
        return None
    text = decode_encoded_words(re.sub(r"\r?\n(?=[ \t])", "", decode_raw_header(raw)))
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text).replace("\n", " ")
    return re.sub(r"\s+", " ", text).strip()
