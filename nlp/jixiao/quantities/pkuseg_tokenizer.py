"""A spaCy tokenizer over a spacy-pkuseg model that this project trains itself.

spaCy's own Chinese tokenizer can use pkuseg too, but it always loads pkuseg's bundled default
dictionary, which is a pickle, and pkuseg downloads its pretrained models by name. This one
loads only a model folder holding ``features.msgpack`` and ``weights.npz`` (msgpack and a
pickle-free ``np.load``), with no user dictionary and no post-processing, so the tokens are
exactly what the trained model segments. The model travels inside the saved pipeline.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces, registry
from spacy.vocab import Vocab

MODEL_FILES = ("features.msgpack", "weights.npz")


class PkusegModelError(ValueError):
    """A pkuseg model folder that is missing or incomplete."""


def load_segmenter(model_dir: str | Path) -> Any:
    """pkuseg falls back to pickle files and to downloads when its files are absent; refuse instead."""
    folder = Path(model_dir)
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        raise PkusegModelError(f"{folder}: not a pkuseg model folder (missing {', '.join(missing)})")
    import spacy_pkuseg

    return spacy_pkuseg.pkuseg(str(folder), user_dict=None)


class PkusegTokenizer:
    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.segmenter: Any = None

    def initialize(self, get_examples: Callable[[], Iterable[Any]] | None = None, *,
                   nlp: Language | None = None, pkuseg_model: str | None = None,
                   pkuseg_user_dict: str | None = None) -> None:
        """Called by ``jixiao.initialize`` with ``[initialize.tokenizer]``.

        The setting names are spaCy's own for Chinese. User dictionaries are not supported:
        spaCy's "default" one is pkuseg's pickle, so that auto-filled value means none here.
        """
        if pkuseg_model is None:
            raise PkusegModelError("the pkuseg tokenizer needs [initialize.tokenizer] pkuseg_model = <model folder>")
        if pkuseg_user_dict not in (None, "default"):
            raise PkusegModelError(f"{pkuseg_user_dict}: pkuseg user dictionaries are not supported")
        self.segmenter = load_segmenter(pkuseg_model)

    def __call__(self, text: str) -> Doc:
        if self.segmenter is None:
            raise PkusegModelError("the pkuseg tokenizer has no model: initialize it with a model folder")
        words = [w for w in self.segmenter.cut(text) if w]
        words, spaces = get_words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        if self.segmenter is not None:
            self.segmenter.feature_extractor.save(str(folder))
            self.segmenter.model.save(str(folder))

    def from_disk(self, path: str | Path, **kwargs: Any) -> PkusegTokenizer:
        if all((Path(path) / name).is_file() for name in MODEL_FILES):
            self.segmenter = load_segmenter(path)
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        with tempfile.TemporaryDirectory(prefix="jixiao-pkuseg-") as tmp:
            self.to_disk(tmp)
            files = {name: (Path(tmp) / name).read_bytes() for name in MODEL_FILES if (Path(tmp) / name).is_file()}
        return srsly.msgpack_dumps(files)

    def from_bytes(self, data: bytes, **kwargs: Any) -> PkusegTokenizer:
        files = srsly.msgpack_loads(data)
        if files:
            with tempfile.TemporaryDirectory(prefix="jixiao-pkuseg-") as tmp:
                for name, content in files.items():
                    (Path(tmp) / Path(name).name).write_bytes(content)
                self.segmenter = load_segmenter(tmp)
        return self


@registry.tokenizers("jixiao.pkuseg_tokenizer.v1")
def create_pkuseg_tokenizer():  # type: ignore[no-untyped-def]
    def make(nlp):  # type: ignore[no-untyped-def]
        return PkusegTokenizer(nlp.vocab)

    return make
