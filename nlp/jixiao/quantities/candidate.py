"""What the grammar finds: a candidate quantity and the pieces its value is computed from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, init=False)
class Candidate:
    """A match of the grammar, with the pieces the normalizer needs to compute its value."""

    start: int
    end: int
    label: str
    rule: str
    number: str
    number_max: str | None = None
    multiplier: str = ""
    unit: str = ""
    comparator: str | None = None
    approx_marker: bool = False
    denominator: str | None = None
    multiplier_max: str | None = None
    sign: str = ""
    sign_max: str = ""
    half: bool = False
    jiao: str = ""  # money below the yuan: the digit of 角/毛 and of 分 (五元三毛, 3元5角2分)
    fen: str = ""
    denominator_max: str | None = None  # the upper end's denominator in a range of fractions (十分之一到五分之一)
    first_whole: bool = False  # a range joined from two whole quantities (5000元至1万元): the first keeps its own value

    def __init__(self, start: int, end: int, label: str, rule: str, number: str, number_max: str | None = None,
                 multiplier: str = "", unit: str = "", comparator: str | None = None, approx_marker: bool = False,
                 denominator: str | None = None, multiplier_max: str | None = None, sign: str = "",
                 sign_max: str = "", half: bool = False, jiao: str = "", fen: str = "",
                 denominator_max: str | None = None, first_whole: bool = False) -> None:
        # One dictionary update instead of a frozen dataclass's setattr per field, as for Span: the
        # scan builds a candidate for every match, and the generated __init__ was a tenth of its time.
        self.__dict__.update(start=start, end=end, label=label, rule=rule, number=number, number_max=number_max,
                             multiplier=multiplier, unit=unit, comparator=comparator, approx_marker=approx_marker,
                             denominator=denominator, multiplier_max=multiplier_max, sign=sign, sign_max=sign_max,
                             half=half, jiao=jiao, fen=fen, denominator_max=denominator_max, first_whole=first_whole)
