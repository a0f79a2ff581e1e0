"""What a budget-table column holds, read from its header.

Budget tables name their columns in a small vocabulary (年初预算, 调整后预算, 实际支出, 执行率,
占比, 差异率 ...). The audit needs to know which column is an amount and in what role, which is a
rate and what it divides by what, and which column names the item. The rules below are about
that vocabulary, not about any one report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.tables.units import UNIT_PATTERN, WHITE_SPACE, header_unit, is_percent_header, multiplier

# Column kinds.
INDEX, ITEM, AMOUNT, RATE, TEXT, OTHER = "index", "item", "amount", "rate", "text", "other"
# Amount roles: what the amount is in the budget cycle.
BUDGET_INITIAL, BUDGET, ACTUAL, RECEIVED = "budget_initial", "budget", "actual", "received"
# Rate roles: how the rate derives from the amounts.
EXECUTION, DIFFERENCE, SHARE = "execution", "difference", "share"

_INDEX = re.compile(r"^(序号|编号|序|No\.?|NO\.?|行次)$")
_NOT_MONEY = re.compile(r"分值|得分|权重|个数|人数|户数|次数|数量|指标值|完成值|评分|编码|代码|年份|日期|时间")
_RATE = re.compile(r"率|比例|比重|占比|百分比|%|％|进度")
_DIFFERENCE = re.compile(r"差异|偏差|增减|变动|增长|增幅|降幅|下降|同比|环比")
_SHARE = re.compile(r"占|比重|构成")
_MONEY = re.compile(rf"金额|预算|决算|支出|支付|拨款|资金|经费|费用|收入|数额|合同|执行数|安排|批复|到位|拨付|概算|投资|[（(]\s*{UNIT_PATTERN}\s*[）)]|{UNIT_PATTERN}$")
_FUND = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|社会保险基金预算")
_NAME = re.compile(r"名称|内容|事项|用途|摘要|说明")
_ITEM = re.compile(r"项目|科目|款项|类别|功能分类|支出分类")
# the words of amount_role and rate_role
_ACTUAL = re.compile(r"实际|决算|执行数|完成数")
_INITIAL = re.compile(r"预算|安排|批复|计划")
_BUDGET = re.compile(r"预算|安排|批复|下达|计划|合同|概算")
_SPENT = re.compile(r"支出|支付|拨付|使用|发放|完成|执行")
_EXECUTION = re.compile(r"执行|支出|支付|完成|申请|使用|拨付|到位|兑现|进度")


@dataclass(frozen=True)
class Column:
    """One column: its header, kind, role and, for amounts, the unit it inherited."""

    index: int
    header: str
    kind: str
    role: str | None = None
    unit: str | None = None
    multiplier: Decimal = Decimal(1)
    percent: bool = False


def classify_header(header: str) -> tuple[str, str | None]:
    """(kind, role) of a column from its header text alone; ``TEXT`` when nothing is recognised."""
    compact = WHITE_SPACE.sub("", header)
    if not compact:
        return TEXT, None
    if _INDEX.match(compact):
        return INDEX, None
    if _NOT_MONEY.search(compact):
        return OTHER, None
    if _NAME.search(compact):
        return ITEM, None
    if _RATE.search(compact):
        return RATE, rate_role(compact)
    if _MONEY.search(compact):
        return AMOUNT, amount_role(compact)
    if _ITEM.search(compact):
        return ITEM, None
    return TEXT, None


def amount_role(label: str) -> str | None:
    """Budget, initial budget, actual or received, from the words of a header or a prose label.

    到位 (funds received) is checked first because 「实际到位」 is not spending; 实际 and 决算
    mark actuals even next to 预算 (「预算支出实际数」); 年初 marks the initial budget; 调整后,
    全年预算, 批复, 安排, 合同 the budget the rate divides by; plain 支出/支付 are actuals.
    Fund names (一般公共预算, 政府性基金预算 ...) say which budget money comes from, not that the
    figure is a budget, so they are set aside first.
    """
    label = _FUND.sub("", label)
    if "到位" in label:
        return RECEIVED
    if _ACTUAL.search(label):
        return ACTUAL
    if "年初" in label and _INITIAL.search(label):
        return BUDGET_INITIAL
    if _BUDGET.search(label):
        return BUDGET
    if _SPENT.search(label):
        return ACTUAL
    return None


def names_difference(label: str) -> bool:
    """Whether a header names a difference or change (增减额, 差异, 同比增长), not a level."""
    return _DIFFERENCE.search(label) is not None


def rate_role(label: str) -> str | None:
    """Execution, difference (including growth: (this - base) / base) or share, from a rate's label."""
    if _DIFFERENCE.search(label):
        return DIFFERENCE
    if _SHARE.search(label):
        return SHARE
    if _EXECUTION.search(label):
        return EXECUTION
    return None


def make_column(index: int, header: str, inherited_unit: str | None) -> Column:
    """A column with its own unit when the header names one, else the unit it inherits."""
    kind, role = classify_header(header)
    own_unit = header_unit(header)
    if kind == TEXT and own_unit:
        kind, role = AMOUNT, amount_role(header)
    unit = own_unit or inherited_unit
    return Column(index, header, kind, role, unit if kind == AMOUNT else None,
                  multiplier(unit) if kind == AMOUNT else Decimal(1), is_percent_header(header))
