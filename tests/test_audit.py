"""The consistency audit: tolerance, table checks, prose checks, restatements, and the five reports."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.audit import Finding, audit_document
from jixiao.audit.tolerance import decrease_percent, ratio_percent, rate_verdict, sum_verdict
from jixiao.document.model import Document
from jixiao.ingest.reader import read_bytes, read_file
from jixiao.tables.figures import Figure, rate_cell

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "corpus" / "raw"
GOLD = ROOT / "corpus" / "audit_gold.jsonl"


def _doc(text: str) -> Document:
    return read_bytes(text.encode("utf-8"), "fixture.txt", "fixture")


def _cells(rows: list[list[str]]) -> str:
    return "\n\n".join("\n".join("\t" + cell for cell in row) for row in rows) + "\n"


def _figure(printed: str, scale: int = 1) -> Figure:
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return Figure(Decimal(printed) * scale, Decimal(5).scaleb(-(decimals + 1)) * scale, printed)


def _checks(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.check, str(f.stated)) for f in findings]


# --- tolerance ----------------------------------------------------------------------------------


def test_rounding_only_rate_is_consistent() -> None:
    # 59.41 / 86.00 = 69.08%, but 59.415 / 85.995 = 69.09%: the printed 69.09% can be right.
    verdict = rate_verdict(rate_cell("69.09%", False), ratio_percent, [_figure("59.41"), _figure("86.00")])
    assert verdict is not None and verdict.consistent


def test_rate_outside_every_rounding_is_inconsistent() -> None:
    verdict = rate_verdict(rate_cell("100.00%", False), ratio_percent, [_figure("45.17"), _figure("45.19")])
    assert verdict is not None and not verdict.consistent
    assert abs(verdict.computed - Decimal("99.9557")) < Decimal("0.0001")
    assert verdict.tolerance < Decimal("0.03")


def test_coarse_printed_rate_tolerates_more() -> None:
    # 67.97 / 68.00 = 99.96%, which a rate printed without decimals may well call 100%.
    assert rate_verdict(rate_cell("100%", False), ratio_percent, [_figure("67.97"), _figure("68.00")]).consistent
    assert not rate_verdict(rate_cell("98%", False), ratio_percent, [_figure("67.97"), _figure("68.00")]).consistent


def test_zero_denominator_cannot_be_judged() -> None:
    assert rate_verdict(rate_cell("0.00%", False), ratio_percent, [_figure("0.00"), _figure("0.00")]) is None


def test_sum_tolerance_grows_with_the_number_of_rows() -> None:
    parts = [_figure("0.01")] * 52
    assert sum_verdict(_figure("0.54"), parts).consistent  # 0.52 ± 0.26 + 0.005
    assert not sum_verdict(_figure("0.80"), parts).consistent


def test_decrease_percent() -> None:
    verdict = rate_verdict(rate_cell("15.35%", False), decrease_percent, [_figure("17953.28"), _figure("3254.82")])
    assert verdict.consistent


# --- table checks on fixtures -------------------------------------------------------------------


def test_row_rate_and_total_checks_on_txt_fixture() -> None:
    text = "表1 项目执行情况\n单位：万元\n" + _cells([
        ["序号", "项目名称", "年初预算金额", "调整后预算金额", "实际支出金额", "预算支出比例"],
        ["1", "办公经费", "216.00", "86.00", "59.41", "69.09%"],      # rounding only
        ["2", "保洁经费", "380.00", "270.00", "266.47", "100.00%"],   # wrong: 98.69%
        ["3", "宣传经费", "146.00", "110.40", "67.00", "60.69%"],     # right
        ["合计", "742.00", "466.40", "400.00", "90.00%"],             # sum of 实际 is 392.88; rate 85.76%
    ])
    findings = audit_document(_doc(text))
    got = {(f.check, f.item.split("（")[0], f.column, str(f.stated)) for f in findings}
    assert ("row_rate", "保洁经费", "预算支出比例", "100.00") in got
    assert ("total_sum", "合计", "实际支出金额", "400.00") in got
    assert ("total_rate", "合计", "预算支出比例", "90.00") in got
    assert not any(f.item == "办公经费" for f in findings)
    assert len(findings) == 3
    row = next(f for f in findings if f.check == "row_rate")
    assert row.computed == Decimal("98.6926") and row.unit == "%"
    assert text[row.start : row.end] == "100.00%"
    total = next(f for f in findings if f.check == "total_sum")
    assert total.computed == Decimal("392.88") and total.unit == "万元"


def test_rate_follows_the_pair_the_header_names() -> None:
    text = _cells([
        ["项目", "年初预算数", "调整后预算数", "支出数", "完成年初预算比例"],
        ["办公", "100", "50", "50", "50%"],
    ])
    assert audit_document(_doc(text)) == []


def test_vertically_merged_payment_is_not_a_finding() -> None:
    text = _cells([
        ["序号", "合同名称", "合同金额（万元）", "支付金额（万元）", "累计申请比例%"],
        ["1", "造价咨询一", "17.839153", "27.420000", "80%"],
        ["2", "造价咨询二", "4.662353", "", ""],
        ["3", "造价咨询三", "10.277354", "", ""],
        ["4", "造价咨询四", "1.496057", "", ""],
    ])
    assert audit_document(_doc(text)) == []


def test_share_and_difference_columns() -> None:
    text = "单位：元\n" + _cells([
        ["项目", "预算数", "决算数", "差异率", "占比"],
        ["人员经费", "100", "120", "20.0%", "60.0%"],
        ["公用经费", "100", "80", "25.0%", "50.0%"],   # difference 20%, share 40%
        ["合计", "200", "200", "0.0%", "100.0%"],
    ])
    findings = audit_document(_doc(text))
    assert sorted(_checks(findings)) == [("row_rate", "25.0"), ("share", "50.0")]


def test_subtotals_and_category_rows() -> None:
    text = _cells([
        ["项目", "支出金额"],
        ["一、基本支出", "30"],
        ["工资", "20"],
        ["办公", "10"],
        ["二、项目支出", "70"],
        ["合计", "100"],
    ])
    assert audit_document(_doc(text)) == []
    wrong = text.replace("\t100\n", "\t110\n")
    assert _checks(audit_document(_doc(wrong))) == [("total_sum", "110")]


def test_total_printed_before_its_rows() -> None:
    text = _cells([["项目", "决算数"], ["合计", "100.00"], ["基本支出", "60.00"], ["项目支出", "45.00"]])
    assert _checks(audit_document(_doc(text))) == [("total_sum", "100.00")]


# --- prose checks -------------------------------------------------------------------------------


def test_prose_execution_rate() -> None:
    right = "该项目年度资金安排 4414.344467万元，实际支付 4414.344467万元，执行率为100%。\n"
    assert audit_document(_doc(right)) == []
    rounding = "项目预算批复68.00万元。截至年底，实际支出67.97万元，预算执行率为100%。\n"
    assert audit_document(_doc(rounding)) == []
    wrong = "项目预算批复68.00万元。截至年底，实际支出67.97万元，预算执行率为98%。\n"
    (finding,) = audit_document(_doc(wrong))
    assert finding.check == "prose_rate"
    assert finding.stated == Decimal("98") and abs(finding.computed - Decimal("99.9559")) < Decimal("0.001")
    assert "98%" in finding.context and wrong[finding.start : finding.end] == "98%"


def test_prose_execution_uses_adjusted_budget_unless_initial_is_named() -> None:
    text = ("项目年初预算合计金额1,582.75万元，预算调整后合计金额1,650.36万元，合计支出金额1,648.78万元，预算整体执行率为99.90%。\n"
            "“卫生健康支出”(类)年初预算273.28万元，决算284.06万元，完成年初预算的103.94%。\n")
    assert audit_document(_doc(text)) == []


def test_prose_difference_and_change() -> None:
    text = ("2023年年初预算数14559.360324万元，决算数39858.695473万元，部门预决算差异率为173.8%。\n"
            "本年支出合计17953.28万元，比上年减少3254.82万元，下降15.35%。\n"
            "三公经费决算数0.70万元，比年初预算9.25万元减少8.56万元。\n")
    assert audit_document(_doc(text)) == []
    wrong = text.replace("下降15.35%", "下降18.13%").replace("减少8.56万元", "减少7.56万元")
    assert sorted(_checks(audit_document(_doc(wrong)))) == [("prose_change", "7.5600"), ("prose_rate", "18.1300")]


def test_a_change_against_the_year_before_named_as_a_clause() -> None:
    """「上年支出1000万元」 states the base of the change after it, as 「比上年的1000万元」 does; 上年结转
    is this year's money."""
    text = "本年支出900万元，上年支出1000万元，减少100万元，下降10%。\n上年结转资金200万元，本年安排800万元，合计1000万元。\n"
    assert audit_document(_doc(text)) == []
    assert _checks(audit_document(_doc(text.replace("下降10%", "下降12%")))) == [("prose_rate", "12.0000")]


def test_a_breakdown_marked_only_at_its_first_part_is_not_summed_twice() -> None:
    """「其中：工资福利」 then 「商品服务」: the second part completes the breakdown of 基本支出 and is a
    detail too; a partial breakdown followed by the next item stays as written."""
    head = "表1 支出情况\n单位：万元\n项目\t预算\t实际\n"
    full = head + "基本支出\t300\t280\n其中：工资福利\t200\t190\n商品服务\t100\t90\n项目支出\t200\t150\n合计\t500\t430\n"
    assert audit_document(_doc(full)) == []
    assert [f.check for f in audit_document(_doc(full.replace("合计\t500", "合计\t600")))] == ["total_sum"]
    partial = head + "基本支出\t300\t280\n其中：人员经费\t100\t90\n项目支出\t150\t150\n合计\t450\t430\n"
    assert audit_document(_doc(partial)) == []


def test_a_change_rate_beside_a_column_of_differences() -> None:
    """上年数, 本年数, 增减额, 增减率: the rate is read from the two levels, the differences left out."""
    text = "表1 收支对比\n单位：万元\n项目\t上年数\t本年数\t增减额\t增减率\n收入\t100\t120\t20\t20%\n支出\t100\t80\t-20\t-20%\n"
    assert audit_document(_doc(text)) == []
    assert [(f.check, f.item) for f in audit_document(_doc(text.replace("-20%", "-25%")))] == [("row_rate", "支出")]


def test_a_wrong_total_shows_the_nearest_reading_of_its_rows() -> None:
    """In a two-level table a wrong 合计 is compared with the sum of its categories (500), the
    reading nearest to it, not with every row counted (800)."""
    text = ("表1 支出情况\n单位：万元\n项目\t金额\n一、基本支出\t300\n工资福利\t200\n商品服务\t100\n"
            "二、项目支出\t200\n合计\t600\n")
    findings = audit_document(_doc(text))
    assert [(f.check, f.computed) for f in findings] == [("total_sum", Decimal("500"))]
    assert audit_document(_doc(text.replace("合计\t600", "合计\t500"))) == []


def test_prose_share() -> None:
    text = ("本年支出合计17953.28万元，其中：基本支出8392.28万元，占支出合计的46.75%；项目支出9561.00万元，占支出合计的53.25%。\n"
            "重点项目预算金额为23,233.43万元，全年项目预算总额为27,067.24万元，占全年项目预算金额的85.84%。\n")
    assert audit_document(_doc(text)) == []
    wrong = text.replace("46.75%", "47.75%")
    assert _checks(audit_document(_doc(wrong))) == [("share", "47.7500")]


def test_prose_parts_exceeding_total() -> None:
    inline = "政府采购支出总额1535.79万元，其中：货物10.60万元，工程888.98万元，服务636.21万元。\n"
    assert audit_document(_doc(inline)) == []
    nested = "总支出38,267.30万元。其中：预算内资金35,909.33万元（基本支出8,230.71万元，项目支出27,678.62万元），其他资金2,223.30万元。\n"
    assert audit_document(_doc(nested)) == []
    assert _checks(audit_document(_doc(inline.replace("1535.79", "1435.79")))) == [("parts_sum", "1435.7900")]
    block = ("1、“社会保障及就业支出”(类)年初预算500.15万元，决算496.37万元，其中：\n"
             "“人力资源和社会保障管理事务”（款）年初预算0.00万元，决算0.05万元。\n"
             "“行政事业单位养老支出”（款）年初预算500.15万元，决算496.37万元。\n"
             "2、“卫生健康支出”(类)年初预算273.28万元，决算284.06万元。\n")
    (finding,) = audit_document(_doc(block))
    assert (finding.check, finding.stated, finding.computed, finding.unit) == ("parts_sum", Decimal("496.37"), Decimal("496.42"), "万元")


def test_restatement_of_a_rate() -> None:
    text = ("该项目预算批复68.00万元，实际支出67.97万元，预算执行率为100%。\n"
            "评价分析认为，该项目的预算执行率为98%。\n")
    (finding,) = audit_document(_doc(text))
    assert finding.check == "restatement"
    assert text[finding.start : finding.end] == "98%"
    assert text[finding.related_start : finding.related_end] == "100%"


def test_a_rate_repeated_through_a_long_report_is_compared_once_and_the_first_statement_is_named() -> None:
    """The same amounts stated again and again with the same rate, then once with another: one
    finding, against the first statement (later repeats of a rate are not compared again)."""
    same = "项目预算100.00万元，实际支出90.00万元，预算执行率为90.00%。\n"
    text = same * 50 + "项目预算100.00万元，实际支出90.00万元，预算执行率为80.00%。\n"
    findings = [f for f in audit_document(_doc(text)) if f.check == "restatement"]
    assert len(findings) == 1
    assert text[findings[0].start : findings[0].end] == "80.00%"
    assert findings[0].related_start == same.index("90.00%")


def test_restatement_of_the_same_amounts_in_prose_and_table() -> None:
    text = ("7个项目合计预算调整后1,650.36万元，合计支出金额1,648.78万元，预算整体执行率为99.90%。\n单位：万元\n" +
            _cells([["项目名称", "调整后预算金额", "支出金额", "执行率"], ["甲", "1,000.00", "1,000.00", "100.00%"],
                    ["乙", "650.36", "648.78", "99.76%"], ["合计", "1,650.36", "1,648.78", "98.04%"]]))
    findings = audit_document(_doc(text))
    assert sorted(f.check for f in findings) == ["restatement", "total_rate"]
    restated = next(f for f in findings if f.check == "restatement")
    assert text[restated.related_start : restated.related_end] == "99.90%"


def test_restatement_of_an_item_across_tables() -> None:
    rows = [["项目名称", "预算数", "支出数"], ["社区办公经费", "10.00", "9.00"], ["社区活动经费", "20.00", "18.00"],
            ["社区宣传经费", "5.00", "4.00"]]
    changed = [row[:] for row in rows]
    changed[3][2] = "4.50"
    text = "表1\n" + _cells(rows) + "\n说明。\n表2\n" + _cells(changed)
    (finding,) = audit_document(_doc(text))
    assert (finding.check, finding.item, finding.stated, finding.computed) == ("restatement", "社区宣传经费", Decimal("4.50"), Decimal("4.00"))


def test_generic_items_in_unrelated_tables_are_not_restatements() -> None:
    first = [["项目名称", "预算数", "支出数"], ["办公费用支出", "10.00", "9.00"], ["差旅费用支出", "20.00", "18.00"]]
    second = [["项目名称", "预算数", "支出数"], ["办公费用支出", "12.00", "11.00"], ["差旅费用支出", "25.00", "20.00"]]
    text = "表1 甲部门\n" + _cells(first) + "\n说明。\n表2 乙部门\n" + _cells(second)
    assert audit_document(_doc(text)) == []


def test_finding_as_dict_is_json_ready() -> None:
    text = "预算批复68.00万元，实际支出67.97万元，预算执行率为98%。\n"
    record = audit_document(_doc(text))[0].as_dict()
    assert json.loads(json.dumps(record, ensure_ascii=False))["stated"] == "98"
    assert {"doc_id", "check", "item", "stated", "computed", "tolerance", "context", "start", "end"} <= set(record)


# --- the five reports ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_findings() -> dict[str, list[Finding]]:
    return {path.stem: audit_document(read_file(path)) for path in sorted(RAW.glob("*.txt"))}


def test_discrepancies_found_in_reports(corpus_findings: dict[str, list[Finding]]) -> None:
    yuetan = corpus_findings["001_f25cf90dc0a01762"]
    rows = sorted((f.table, f.item, str(f.stated), str(f.computed)) for f in yuetan if f.check == "row_rate")
    assert rows[:5] == [
        (0, "成立困难群众救助服务所（购买服务）", "84.46", "100.0000"),
        (0, "残疾人两项补贴", "100.00", "98.6926"),
        (0, "残疾人职业康复劳动项目", "100.00", "99.6347"),
        (0, "残联温馨家园", "100.00", "99.9557"),
        (0, "民政代管地方离退休人员工资", "100.00", "97.6230"),
    ]
    assert len(rows) == 10
    (total,) = [f for f in yuetan if f.check == "total_rate"]
    assert (total.stated, total.computed) == (Decimal("98.04"), Decimal("99.9043"))
    assert "平安建设" in total.item
    zhongcang = corpus_findings["003_7a2d2a46f442ff4e"]
    assert sorted(f.check for f in zhongcang) == ["parts_sum", "parts_sum", "prose_rate", "restatement", "restatement"]


def test_rounding_only_rows_are_not_reported(corpus_findings: dict[str, list[Finding]]) -> None:
    reported = {f.item for findings in corpus_findings.values() for f in findings}
    for item in ("社区基层党组织活动经费", "楼宇工作站场地租赁及运行经费", "地区安全生产经费", "平安创建工作经费",
                 "社区公益事业专项补助资金", "学区理事会工作经费", "社区文化经费", "基层政权和社区建设经费",
                 "低保、低收入医疗救助金", "退养人员二次报销药费"):
        assert item not in reported
    assert not any(f.check == "total_sum" for findings in corpus_findings.values() for f in findings)
    assert corpus_findings["000_d6a03cfb2cfdfbfd"] == []
    assert corpus_findings["002_08510d5929f9f624"] == []
    assert corpus_findings["004_9c0c283e71ff0a84"] == []


def test_audit_matches_gold(corpus_findings: dict[str, list[Finding]]) -> None:
    sys.path.insert(0, str(ROOT))
    from eval.audit.score import score

    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    findings = [f.as_dict() for doc in corpus_findings.values() for f in doc]
    result = score(findings, gold)
    assert result["missed"] == []
    assert result["false_positives"] == []
    assert len(gold) == 16


def test_growth_column_between_unnamed_amount_columns() -> None:
    text = "单位：万元\n" + _cells([
        ["项目", "本年数", "上年数", "增长率"],
        ["办公经费", "120.00", "100.00", "20.00%"],
        ["活动经费", "90.00", "100.00", "10.00%"],
        ["宣传经费", "110.00", "100.00", "12.00%"],
    ])
    findings = audit_document(_doc(text))
    assert [(f.check, f.item) for f in findings] == [("row_rate", "宣传经费")]


def test_rate_column_of_unknown_meaning_is_not_checked() -> None:
    text = _cells([["项目", "预算数", "支出数", "满意率"], ["办公", "100", "50", "95%"]])
    assert audit_document(_doc(text)) == []


def test_tab_indented_prose_is_audited() -> None:
    text = "\t一、基本情况\n\n\t项目预算100万元，实际支出90万元，执行率100%。\n"
    assert _checks(audit_document(_doc(text))) == [("prose_rate", "100.0000")]
