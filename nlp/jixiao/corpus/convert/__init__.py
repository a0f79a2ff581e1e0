"""Converters between SCHEME JSON Lines documents and other annotation and training formats.

One module per format, each importing its third-party library lazily so that ``import
jixiao.corpus.convert`` stays cheap:

- ``docbin``: spaCy ``DocBin`` (both ways, lossless).
- ``doccano``: doccano JSONL, UTF-16 or grapheme offsets as the project counts (both ways; one
  line per sentence or per document).
- ``labelstudio``: Label Studio tasks with annotations and predictions (both ways).
- ``hf``: a Hugging Face ``datasets.DatasetDict`` with the corpus splits, one row per document
  or per sentence (export only).
- ``conll``: character-per-line BIO (both ways; values, kinds and categories are lost).

Shared pieces: ``offsets`` (UTF-16, code point and grapheme offsets), ``bio`` (spans to tags and back), ``units``
(cutting a document into sentence-sized pieces without losing text). Every file and folder is
written through ``jixiao.atomic``, so a failed conversion never leaves a half output.
"""

from jixiao.corpus.convert.errors import ConvertError

__all__ = ["ConvertError"]
