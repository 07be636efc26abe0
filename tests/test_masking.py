"""Masking personal data in free text: every form of docs/privacy-masking.md masked with the
text around it kept, ordinary numbers kept, and the masking applied by the real readers."""

import time

import pandas as pd
import pytest

from sqmreport.data.operations import load_complaints
from sqmreport.data.privacy import MASK, mask_personal_data
from sqmreport.data.study import load_study
from sqmreport.data.survey import load_survey

from .conftest import small_spec, small_survey

M = MASK
ZWSP, ZWNJ, ZWJ, WJ, BOM, SHY = "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"

# (form, text, expected): the text around each match is kept as written
MASKED = [
    # mainland mobiles
    ("mobile", "手机13812345678谢谢", f"手机{M}谢谢"),
    ("mobile, dashes", "请回电 138-1234-5678 谢谢", f"请回电 {M} 谢谢"),
    ("mobile, spaces", "call 138 1234 5678 please", f"call {M} please"),
    ("mobile, dots", "电话 138.1234.5678 找我", f"电话 {M} 找我"),
    ("mobile, 7-4 grouping", "号码1381234 5678。", f"号码{M}。"),
    ("mobile, spaced dash", "139 - 1234 - 5678", M),
    ("mobile, +86", "+86 138 1234 5678", M),
    ("mobile, +86 joined", "+8613812345678。", f"{M}。"),
    ("mobile, 0086", "0086-138-1234-5678 找李", f"{M} 找李"),
    ("mobile, (86)", "(86)138.1234.5678", M),
    ("mobile, bare 86", "8613812345678 找我", f"{M} 找我"),
    ("mobile, +86 and a count after it", "+86 138 1234 5678 3 次没人接", f"{M} 3 次没人接"),
    ("mobile, full-width (+86)", "（＋８６）１３８１２３４５６７８！", f"{M}！"),
    ("mobile, full-width digits", "手机：１３８１２３４５６７８，谢谢", f"手机：{M}，谢谢"),
    ("mobile, full-width dashes", "１３８－１２３４－５６７８", M),
    ("mobile, ideographic spaces", "１３８\u3000１２３４\u3000５６７８ 谢", f"{M} 谢"),
    ("mobile, mixed widths", "13８ 1２34 56７8 ok", f"{M} ok"),
    ("mobile, en dashes", "138–1234–5678", M),
    ("mobile, zero-width space", f"打138{ZWSP}1234{ZWSP}5678吧", f"打{M}吧"),
    ("mobile, zero-width everywhere", f"1{ZWSP}3{ZWJ}8{WJ}1{BOM}2{ZWNJ}345678", M),
    ("mobile, soft hyphens", f"138{SHY}1234{SHY}5678", M),
    ("mobile, zero-width and full-width", f"１３８{ZWSP}１２３４{ZWSP}５６７８。", f"{M}。"),
    # mainland landlines
    ("landline", "座机 010-6512 3456", f"座机 {M}"),
    ("landline, joined", "座机010-65123456。", f"座机{M}。"),
    ("landline, brackets", "(0571) 8888 8888 办公室", f"{M} 办公室"),
    ("landline, full-width brackets", "（０２１）６８８８８８８８", M),
    ("landline, 4-digit area", "0755-88888888，找王", f"{M}，找王"),
    ("landline, extension", "座机 010-65123456-801 转护士站", f"座机 {M} 转护士站"),
    ("landline, 转 extension", "0755-88888888转123", M),
    ("landline, +86", "+86 10 6512 3456", M),
    ("landline, +86 (0)", "+86 (0)571 8888 8888", M),
    # Hong Kong, Taiwan, international
    ("Hong Kong, +852", "WhatsApp +852 9123 4567 thanks", f"WhatsApp {M} thanks"),
    ("Hong Kong, (852)", "(852) 2123 4567", M),
    ("Hong Kong, 00852", "00852-6123-4567", M),
    ("Hong Kong, a count after it", "+852 9123 4567 2 次", f"{M} 2 次"),
    ("Macau, +853", "+853 6612 3456", M),
    ("Taiwan, +886 mobile", "+886 912 345 678", M),
    ("Taiwan, mobile", "手機 0912-345-678 謝謝", f"手機 {M} 謝謝"),
    ("Taiwan, mobile joined", "0912345678", M),
    ("Taiwan, landline brackets", "(02)2345-6789", M),
    ("Taiwan, landline", "電話02-2345-6789。", f"電話{M}。"),
    ("Taiwan, +886 landline", "+886 2 2345 6789", M),
    ("E.164, US", "call +1 (415) 555-2671 now", f"call {M} now"),
    ("E.164, UK", "+44 20 7946 0958", M),
    ("E.164, short", "+49 30 123456", M),
    # any 7 to 15 digits shortly after a phone word
    ("phone word, local", "call me 6512 3456", f"call me {M}"),
    ("phone word, Chinese", "联系电话：65123456，下午", f"联系电话：{M}，下午"),
    # e-mail
    ("e-mail", "邮箱 li.wei@example.com。", f"邮箱 {M}。"),
    ("e-mail, Chinese after", "邮箱：li@example.com谢谢", f"邮箱：{M}谢谢"),
    ("e-mail, name before", "张伟zhang@example.com", f"张伟{M}"),
    ("e-mail, sub-domains", "li+survey@mail.example.com.cn.", f"{M}."),
    ("e-mail, Unicode", "用户@例子.公司", M),
    ("e-mail, Unicode in a sentence", "我的邮箱是用户@例子.公司，谢谢", f"我的邮箱是{M}，谢谢"),
    ("e-mail, Unicode local part", "josé.müller@example.de ok", f"{M} ok"),
    ("e-mail, IDN domain", "li@bücher.example", M),
    ("e-mail, punycode", "li@xn--fsqu00a.xn--55qx5d", M),
    ("e-mail, full-width @", "li＠example.com", M),
    ("e-mail, full-width @ and dot", "邮箱：li＠example．com，", f"邮箱：{M}，"),
    ("e-mail, all full-width", "ｌｉ＠ｅｘａｍｐｌｅ．ｃｏｍ", M),
    ("e-mail, small @", "li﹫example.com", M),
    ("e-mail, zero-width", f"li{ZWSP}@example{ZWSP}.com", M),
    ("e-mail, [at] [dot]", "Write to li [at] example [dot] com please", f"Write to {M} please"),
    ("e-mail, (at)", "li(at)example.com", M),
    ("e-mail, full-width (at)", "li（at）example.com", M),
    ("e-mail, at dot", "li at example dot com", M),
    ("e-mail, at .com", "contact li.wei at example.com thanks", f"contact {M} thanks"),
    # identity numbers
    ("resident id", "身份证 11010519491231002X", f"身份证 {M}"),
    ("resident id, lower-case x", "身份证号11010519491231002x。", f"身份证号{M}。"),
    ("resident id, digits only", "身份证 110105194912310021", f"身份证 {M}"),
    ("resident id, 6-8-4 spaces", "身份证 110105 19491231 002X 办的", f"身份证 {M} 办的"),
    ("resident id, 6-8-4 dashes", "110105-19491231-002X", M),
    ("resident id, full-width", "１１０１０５１９４９１２３１００２Ｘ", M),
    ("resident id, zero-width", f"110105{ZWSP}19491231{ZWSP}002X", M),
    ("resident id, 15 digits", "老身份证 110105491231002", f"老身份证 {M}"),
    ("Hong Kong id", "HKID A123456(7) 已登记", f"HKID {M} 已登记"),
    ("Hong Kong id, two letters", "AB123456(A)", M),
    ("Hong Kong id, full-width brackets", "A123456（3）", M),
    ("Hong Kong id, no brackets", "HKID A1234563", f"HKID {M}"),
    ("Taiwan id", "身分證 A123456789 號", f"身分證 {M} 號"),
    ("Taiwan id, second sex digit", "B234567890", M),
    ("Taiwan resident certificate", "居留證 A812345678", f"居留證 {M}"),
    ("Taiwan resident certificate, 9", "A912345678", M),
    # bank cards that pass the Luhn check
    ("bank card", "卡号 6222021234567894 扣了两次", f"卡号 {M} 扣了两次"),
    ("bank card, fours", "卡号 6222 0212 3456 7894。", f"卡号 {M}。"),
    ("bank card, dashes", "4111-1111-1111-1111", M),
    ("bank card, 19 digits", "6222 0212 3456 7890 128", M),
    ("bank card, 4-6-5", "3782 822463 10005", M),
    ("bank card, a number after it", "4111 1111 1111 1111 5 次", f"{M} 5 次"),
    ("bank card, full-width", "４１１１　１１１１　１１１１　１１１１", M),
    # QQ numbers in context: the number masked, the word kept
    ("QQ", "QQ 123456789 加我", f"QQ {M} 加我"),
    ("qq", "qq号:12345", f"qq号:{M}"),
    ("QQ号", "QQ号：123456789", f"QQ号：{M}"),
    ("QQ是", "我的QQ是 10001 记一下", f"我的QQ是 {M} 记一下"),
    ("Q号", "Q号1234567", f"Q号{M}"),
    ("企鹅号", "企鹅号 1234567。", f"企鹅号 {M}。"),
    ("full-width QQ", "ＱＱ：１２３４５６７８", f"ＱＱ：{M}"),
    # several at once
    ("several", "电话13812345678，邮箱li@example.com，QQ 12345678",
     f"电话{M}，邮箱{M}，QQ {M}"),
]

# ordinary numbers that carry the survey's meaning: kept as they are
KEPT = [
    "等了 45 分钟",
    "2024年3月来过",
    "第3次来了",
    "打分 8/10，还行",
    "药费 ¥1,200，太贵",
    "满意度 95%",
    "好评率 99.5%",
    "2024-03-15 来的",
    "2024-03-15 14:30 到的，16:45 才看上",
    "2024/03/15 下午",
    "2024.03.15",
    "20240315 那天",
    "2023-2024 两年都来",
    "等了 3 个小时，2 次",
    "电话打了3次，等了 45 分钟",
    "手机 2024-03-15 坏了",
    "排队 120 人，第 35 号",
    "评分 12345",
    "订单号 1234567890123456 退款还没到",    # fails the Luhn check
    "订单号 20240315123456",
    "单号 2024031512345678901",              # 19 digits, fails the Luhn check
    "门诊 3 楼 301 室，9:00-11:30",
    "价格 12,345,678 元",
    "体温 37.5℃，血压 120/80",
    "看医生 at 3pm",
    "I arrived at clinic.Please help",
    "We waited at the entrance for 45 minutes",
    "@客服小王 服务很好",
    "QQ群很好用",
    "K1234 次列车",
    "版本 v1.2.3.4",
    "护士态度很好，非常耐心。",
    "",
]


@pytest.mark.parametrize("form, text, expected", MASKED, ids=[case[0] for case in MASKED])
def test_each_form_is_masked_and_the_text_around_it_kept(form, text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_numbers_are_kept(text):
    assert mask_personal_data(text) == text


def test_characters_outside_a_match_are_returned_as_written():
    # full-width punctuation, a zero-width joiner in an emoji, an ellipsis: all untouched
    text = f"太慢了……👨{ZWJ}⚕️医生说，回电１３８{ZWSP}１２３４ ５６７８！（２０２４年）"
    assert mask_personal_data(text) == f"太慢了……👨{ZWJ}⚕️医生说，回电{M}！（２０２４年）"


def test_a_mask_is_not_masked_again():
    once = mask_personal_data("电话 13812345678 邮箱 li@example.com")
    assert mask_personal_data(once) == once


def test_long_texts_are_masked_in_linear_time():
    # a long run of word characters before an @ must not make the e-mail search quadratic
    text = "很" * 20_000 + "@" + "好" * 20_000 + " 13812345678"
    assert mask_personal_data(text).endswith(f" {M}")


@pytest.mark.parametrize("text", ["1 " * 5000, "4111 " * 2000, "a@" * 5000, "@" * 10_000,
                                  "a" * 64 + "@" * 10_000, "a [at] " * 2000, "+1 " * 5000,
                                  "(" * 10_000 + "1" * 10, ("1" * 11 + " ") * 1000])
def test_hostile_texts_take_no_time(text):
    # each takes a few hundredths of a second; a quadratic search would take minutes
    start = time.perf_counter()
    mask_personal_data(text)
    assert time.perf_counter() - start < 5


# -- through the real readers ------------------------------------------------------------------

BY_FORM = {form: (text, expected) for form, text, expected in MASKED}
# one case or more of each kind, the tricky ones (invisible and full-width characters) included
THROUGH_READERS = [BY_FORM[form] for form in (
    "mobile", "mobile, +86", "mobile, full-width (+86)", "mobile, zero-width everywhere",
    "mobile, soft hyphens", "landline, extension", "Hong Kong, +852", "Taiwan, mobile",
    "E.164, US", "phone word, Chinese", "e-mail, Unicode in a sentence", "e-mail, all full-width",
    "e-mail, [at] [dot]", "resident id, 6-8-4 spaces", "resident id, full-width", "Hong Kong id",
    "Taiwan id", "bank card, fours", "QQ号", "several")] + [(text, text) for text in KEPT[:-1]]


def test_survey_comments_are_masked_when_read(write_study):
    data = small_survey(n=len(THROUGH_READERS))
    data["comment"] = [text for text, _ in THROUGH_READERS]
    path = write_study(small_spec(comments="comment"), data)
    comments = load_survey(load_study(path)).comments
    assert list(comments) == [expected for _, expected in THROUGH_READERS]


def test_complaint_texts_are_masked_when_read(write_study, tmp_path):
    log = pd.DataFrame({"received": "2026-01-02 10:00", "channel": "phone", "category": "wait",
                        "text": [text for text, _ in THROUGH_READERS]})
    log.to_csv(tmp_path / "log.csv", index=False)
    study = load_study(write_study(small_spec(data={"survey": "survey.csv", "complaints": "log.csv"})))
    assert list(load_complaints(study)["text"]) == [expected for _, expected in THROUGH_READERS]
