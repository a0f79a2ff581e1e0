"""What a line break is, in every form text comes with, and the form the analyses read.

SCHEME §2 ends a sentence at every line break, and the document analyses (headings, list numbers,
table rows, captions) look for the start of a line. Text read from a file is cleaned to ``\n``
(``jixiao.ingest.clean``); text handed over as a string (``tag_text``, a JSON Lines document) keeps
its own: CRLF pairs, the lone CR of old Mac files, the line and paragraph separators of web pages
(U+2028, U+2029), NEL, Word's manual line break (\v) or a PDF's form feed. ``line_form`` gives the
analyses every one of them as ``\n`` without changing the text's length, so offsets still index the
text as given. One module both the cleaning and the sentence splitter import.
"""

from __future__ import annotations

import re

# the line breaks of documents (str.splitlines also breaks at the file, group and record separators
# \x1c-\x1e, which are no line breaks in text and which cleaning deletes)
LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
_OTHER_BREAKS = LINE_BREAKS[2:]  # written as \n by line_form; a CR only when it is alone
_LONE_CR = re.compile(r"\r(?!\n)")


def line_form(text: str) -> str:
    """``text`` with a lone CR and every other line break but CRLF written as ``\n``, the same
    length: the form the document analyses read, whatever line breaks the text came with.

    ``in`` and ``str.replace`` scan at C speed (a third of a second for 100 M characters, where
    ``str.translate`` takes six), and text with only ``\n`` is returned as it is."""
    if "\r" in text:
        text = _LONE_CR.sub("\n", text)
    for mark in _OTHER_BREAKS:
        if mark in text:
            text = text.replace(mark, "\n")
    return text
