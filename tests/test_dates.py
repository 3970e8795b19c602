"""Tests for marsad.analyse.dates: finding and resolving Arabic date expressions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from marsad.analyse.dates import (
    DATES_FILE,
    DateDataError,
    find_dates,
    hijri_to_gregorian,
    load_lexicon,
    resolve_weekday,
)

PUB = dt.date(2017, 3, 15)  # a Wednesday


def found(text: str, published: dt.date | None = PUB) -> list[tuple[str, str, str, bool]]:
    """(text, value, precision, relative) of each mention, checking offsets on the way."""
    out = []
    for m in find_dates(text, published):
        assert text[m.start : m.end] == m.text
        out.append((m.text, m.value, m.precision, m.relative))
    return out


# --------------------------------------------------------------------------- explicit


@pytest.mark.parametrize(
    ("text", "span", "value", "precision"),
    [
        ("وقعت الهدنة في 21 فبراير 2017 بعد مفاوضات", "21 فبراير 2017", "2017-02-21", "day"),
        ("اعتقل الخميس 14 تموز/يوليو 2016 في منزله", "الخميس 14 تموز/يوليو 2016", "2016-07-14", "day"),
        ("جرى ذلك يوم السبت الموافق 3 أيلول 2011", "يوم السبت الموافق 3 أيلول 2011", "2011-09-03", "day"),
        ("وصل في 10 كانون الأول 2018 إلى المدينة", "10 كانون الأول 2018", "2018-12-10", "day"),
        ("تقرر في 5 جوان 2019 تأجيل الحوار", "5 جوان 2019", "2019-06-05", "day"),
        ("بدأ الإضراب 2 جانفي 2020", "2 جانفي 2020", "2020-01-02", "day"),
        ("وفي 3 مارس من عام 2015 انسحبت القوات", "3 مارس من عام 2015", "2015-03-03", "day"),
        ("صدر البيان بتاريخ 14/7/2016 ظهرا", "14/7/2016", "2016-07-14", "day"),
        ("نشر التقرير 2016-07-14 على موقعها", "2016-07-14", "2016-07-14", "day"),
        ("الثلاثاء 2017/03/14 موعد الجلسة", "الثلاثاء 2017/03/14", "2017-03-14", "day"),
        ("ولد في الحادي والعشرين من يونيو 1990", "الحادي والعشرين من يونيو 1990", "1990-06-21", "day"),
        ("عقد المؤتمر في 1 أكتوبر/تشرين أول 2015", "1 أكتوبر/تشرين أول 2015", "2015-10-01", "day"),
        ("أصدرت بيانا في أكتوبر (تشرين الأول) 2017", "أكتوبر (تشرين الأول) 2017", "2017-10", "month"),
        ("أغلقت السفارة ١٤ تموز ٢٠١٦ لأسباب أمنية", "١٤ تموز ٢٠١٦", "2016-07-14", "day"),
        ("انتهت الحرب في شهر مايو 2019 تقريبا", "شهر مايو 2019", "2019-05", "month"),
        ("عاد إلى بلاده أواخر نوفمبر 2015", "نوفمبر 2015", "2015-11", "month"),
        ("قتل قائد الكتيبة في أيار 2013", "أيار 2013", "2013-05", "month"),
        ("تأسست الحركة عام 2014 في الشمال", "عام 2014", "2014", "year"),
        ("تأسست الحركة عام ٢٠١٤ في الشمال", "عام ٢٠١٤", "2014", "year"),
        ("جرت الانتخابات العام 2012 بهدوء", "العام 2012", "2012", "year"),
        ("انضم إلى الحكومة سنة 1998", "سنة 1998", "1998", "year"),
        ("انتخب رئيسا في 2012 لولاية أولى", "2012", "2012", "year"),
        ("يعيش في المنفى منذ 2011", "2011", "2011", "year"),
        ("لم يزر البلاد منذ عام 2009", "عام 2009", "2009", "year"),
        ("أعلن عن الاتفاق عام 2014م رسميا", "عام 2014م", "2014", "year"),
    ],
)
@pytest.mark.parametrize("published", [PUB, None])
def test_explicit_dates(text: str, span: str, value: str, precision: str, published: dt.date | None) -> None:
    assert found(text, published) == [(span, value, precision, False)]


def test_year_pair_gives_both_years() -> None:
    assert found("تراجعت الصادرات بين عامي 2018 و2019 بشدة") == [
        ("عامي 2018", "2018", "year", False),
        ("2019", "2019", "year", False),
    ]


def test_several_dates_in_order() -> None:
    text = "زار الوفد دمشق في 2 مايو 2016، ثم عاد إليها أمس الثلاثاء."
    assert found(text) == [
        ("2 مايو 2016", "2016-05-02", "day", False),
        ("أمس الثلاثاء", "2017-03-14", "day", True),
    ]


# ------------------------------------------------------------------------- relative


@pytest.mark.parametrize(
    ("text", "span", "value", "precision"),
    [
        ("وصل الوزير أمس إلى العاصمة", "أمس", "2017-03-14", "day"),
        ("وصل الوزير وأمس كان الاجتماع", "أمس", "2017-03-14", "day"),
        ("ما حدث بالأمس لن يتكرر", "الأمس", "2017-03-14", "day"),
        ("التقى الوفد البارحة بالسفير", "البارحة", "2017-03-14", "day"),
        ("عقد اجتماع أول أمس في القصر", "أول أمس", "2017-03-13", "day"),
        ("انطلقت القافلة مساء أمس من الحدود", "مساء أمس", "2017-03-14", "day"),
        ("تبدأ الجولة غداً في جنيف", "غداً", "2017-03-16", "day"),
        ("يصوت البرلمان اليوم على القانون", "اليوم", "2017-03-15", "day"),
        ("أكد أمس الثلاثاء أن الهدنة صامدة", "أمس الثلاثاء", "2017-03-14", "day"),
        ("أكد أمس الاثنين أن الهدنة صامدة", "أمس الاثنين", "2017-03-13", "day"),
        ("وقال الخميس إن القوات انسحبت", "الخميس", "2017-03-09", "day"),
        ("وقال الأربعاء إن القوات انسحبت", "الأربعاء", "2017-03-15", "day"),
        ("قصفت الطائرات المدينة والسبت", "السبت", "2017-03-11", "day"),
        ("اجتمعوا الاثنين الماضي في القاهرة", "الاثنين الماضي", "2017-03-13", "day"),
        ("اجتمعوا الأربعاء الماضي في القاهرة", "الأربعاء الماضي", "2017-03-08", "day"),
        ("يجتمعون يوم الاثنين المقبل في عمان", "يوم الاثنين المقبل", "2017-03-20", "day"),
        ("يجتمعون الأربعاء القادم في عمان", "الأربعاء القادم", "2017-03-22", "day"),
        ("ارتفعت الأسعار الشهر الماضي بنسبة كبيرة", "الشهر الماضي", "2017-02", "month"),
        ("تنتهي المهلة الشهر المقبل", "الشهر المقبل", "2017-04", "month"),
        ("ستعقد القمة هذا الشهر", "هذا الشهر", "2017-03", "month"),
        ("تراجع الإنتاج العام الماضي", "العام الماضي", "2016", "year"),
        ("تراجع الإنتاج في السنة الماضية", "السنة الماضية", "2016", "year"),
        ("تجرى الانتخابات العام المقبل", "العام المقبل", "2018", "year"),
        ("تضاعف العدد هذا العام", "هذا العام", "2017", "year"),
        ("وقعت الاشتباكات الأسبوع الماضي", "الأسبوع الماضي", "2017-03", "month"),
        ("اختطف منذ عامين في الصحراء", "منذ عامين", "2015", "year"),
        ("اختطف منذ ثلاثة أيام في الصحراء", "منذ ثلاثة أيام", "2017-03-12", "day"),
        ("اختطف منذ 5 سنوات في الصحراء", "منذ 5 سنوات", "2012", "year"),
        ("اختطف منذ 20 عاما في الصحراء", "منذ 20 عاما", "1997", "year"),
        ("اختطف منذ نحو عشرة أعوام", "منذ نحو عشرة أعوام", "2007", "year"),
        ("أغلق المعبر منذ شهرين", "منذ شهرين", "2017-01", "month"),
        ("أغلق المعبر قبل أسبوعين", "قبل أسبوعين", "2017-03", "month"),
        ("أغلق المعبر قبل يومين", "قبل يومين", "2017-03-13", "day"),
        ("في 16 يونيو الماضي وقعت المجزرة", "16 يونيو الماضي", "2016-06-16", "day"),
        ("في 2 مارس الجاري أعلنت الحكومة", "2 مارس الجاري", "2017-03-02", "day"),
        ("تعقد الجلسة في 9 أبريل المقبل", "9 أبريل المقبل", "2017-04-09", "day"),
        ("في 2 مارس أعلنت الحكومة", "2 مارس", "2017-03-02", "day"),
        ("في 15 من الشهر الجاري", "15 من الشهر الجاري", "2017-03-15", "day"),
        ("تنتهي الولاية في مايو المقبل", "مايو المقبل", "2017-05", "month"),
        ("وقع الانقلاب في يوليو الماضي", "يوليو الماضي", "2016-07", "month"),
        ("جرى الاستفتاء في مايو من العام الماضي", "مايو من العام الماضي", "2016-05", "month"),
        ("جرى الاستفتاء في مايو العام الماضي", "مايو العام الماضي", "2016-05", "month"),
        ("وفي التاسع من مارس الجاري قصفت", "التاسع من مارس الجاري", "2017-03-09", "day"),
        ("ينتهي العقد في أول أبريل المقبل", "أول أبريل المقبل", "2017-04-01", "day"),
        ("في العاشر من الشهر الماضي", "العاشر من الشهر الماضي", "2017-02-10", "day"),
    ],
)
def test_relative_dates(text: str, span: str, value: str, precision: str) -> None:
    assert found(text) == [(span, value, precision, True)]


@pytest.mark.parametrize(
    ("text", "published", "value"),
    [
        ("اجتمعوا في 21 فبراير الحالي", dt.date(2017, 2, 25), "2017-02-21"),
        ("في 16 يونيو الماضي", dt.date(2017, 8, 1), "2017-06-16"),
        ("في 16 يونيو الماضي", dt.date(2017, 6, 20), "2017-06-16"),
        ("في 26 يونيو الماضي", dt.date(2017, 6, 20), "2016-06-26"),
        ("في يونيو الماضي", dt.date(2017, 6, 20), "2016-06"),
        ("في 26 يونيو المقبل", dt.date(2017, 6, 20), "2017-06-26"),
        ("في 16 يونيو المقبل", dt.date(2017, 6, 20), "2018-06-16"),
        ("في 3 يناير المقبل", dt.date(2017, 12, 20), "2018-01-03"),
        ("في 28 ديسمبر", dt.date(2018, 1, 4), "2017-12-28"),  # no year: the latest year
        ("في 3 يناير", dt.date(2017, 12, 20), "2018-01-03"),  # not more than 90 days ahead
        ("ستجري في 19 مايو", dt.date(2018, 5, 5), "2018-05-19"),
        ("وصلوا في 14 أغسطس", dt.date(2018, 4, 25), "2017-08-14"),
        ("خلال شهر أكتوبر", dt.date(2018, 4, 25), "2017-10"),
        ("أمس", dt.date(2017, 1, 1), "2016-12-31"),
    ],
)
def test_relative_to_publication(text: str, published: dt.date, value: str) -> None:
    assert [m.value for m in find_dates(text, published)] == [value]


def test_published_accepts_datetime_and_iso_string() -> None:
    assert found("أمس", dt.datetime(2017, 3, 15, 23, 5)) == [("أمس", "2017-03-14", "day", True)]
    assert [m.value for m in find_dates("أمس", "2017-03-15")] == ["2017-03-14"]


# ----------------------------------------------------------------- published = None


@pytest.mark.parametrize(
    "text",
    ["وصل أمس", "قال الخميس", "الاثنين الماضي", "الشهر الماضي", "منذ عامين", "في 21 فبراير الحالي", "في 2 مارس"],
)
def test_relative_skipped_without_publication_date(text: str) -> None:
    assert find_dates(text, None) == []


def test_explicit_kept_without_publication_date() -> None:
    assert found("وصل أمس، وكان قد غادر في 21 فبراير 2017", None) == [("21 فبراير 2017", "2017-02-21", "day", False)]


# -------------------------------------------------------------------------- no date


@pytest.mark.parametrize(
    "text",
    [
        "نزح 45 ألف شخص من المدينة",
        "شاركت 100 دولة في المؤتمر",
        "يقع التقرير في 8 صفحات",
        "استند إلى القرارات 1267/1989/2253",
        "طالب بتطبيق القرار 2254 كاملا",
        "بلغت الخسائر 2.5 مليون دولار",
        "قتل في 2000 ألف غارة",
        "في 1267 حالة",
        "فرق بين الاثنين معا",
        "قال الأمين العام السابق للمنظمة",
        "وقال المدعي العام الحالي",
        "خرجوا بعد صلاة الجمعة",
        "في ذلك اليوم",
        "في اليوم التالي انسحبوا",
        "مارس ضغوطا كبيرة على الحكومة",
        "لم يتغير شيء منذ أيام",
        "قبل يومين من الانتخابات",
        "منذ شهر رمضان",
        "قال الثاني إنه لن يشارك",
        "حصل على المركز الأول من بين 20 متسابقا",
        "بلغ عدد الضحايا 31 قتيلا",
        "ماجستير 2014",
        "",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, PUB) == []


# ------------------------------------------------------------------ offsets, marks


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("جلسةٌ يومَ الخميسِ الماضي", "يومَ الخميسِ الماضي"),
        ("تبدأ غداً الجولة", "غداً"),
        ("وقّع الاتفاق في 21 فبرايـر 2017 رسمياً", "21 فبرايـر 2017"),
        ("«أمس»", "أمس"),
        ("قالوا:\nالخميس الماضي", "الخميس الماضي"),
    ],
)
def test_offsets_with_diacritics_and_tatweel(text: str, span: str) -> None:
    mentions = find_dates(text, PUB)
    assert [m.text for m in mentions] == [span]
    m = mentions[0]
    assert text[m.start : m.end] == span and text.index(span) == m.start


def test_as_dict() -> None:
    (m,) = find_dates("في 21 فبراير 2017", PUB)
    assert m.as_dict() == {
        "start": 3,
        "end": 17,
        "text": "21 فبراير 2017",
        "value": "2017-02-21",
        "precision": "day",
        "relative": False,
    }


# ---------------------------------------------------------------------------- Hijri


@pytest.mark.parametrize(
    ("hijri", "gregorian"),
    [
        ((1440, 1, 1), dt.date(2018, 9, 11)),
        ((1439, 9, 1), dt.date(2018, 5, 16)),
        ((1445, 9, 1), dt.date(2024, 3, 11)),
        ((1441, 10, 1), dt.date(2020, 5, 24)),
        ((1, 1, 1), dt.date(622, 7, 19)),
    ],
)
def test_hijri_to_gregorian_known_dates(hijri: tuple[int, int, int], gregorian: dt.date) -> None:
    assert abs((hijri_to_gregorian(*hijri) - gregorian).days) <= 1


def test_hijri_months_and_years_have_tabular_lengths() -> None:
    for year in range(1420, 1460):
        starts = [hijri_to_gregorian(year, m, 1) for m in range(1, 13)] + [hijri_to_gregorian(year + 1, 1, 1)]
        lengths = [(b - a).days for a, b in zip(starts, starts[1:], strict=False)]
        assert set(lengths) <= {29, 30}
        assert sum(lengths) in (354, 355)


def test_hijri_rejects_bad_dates() -> None:
    with pytest.raises(ValueError):
        hijri_to_gregorian(1440, 13, 1)


@pytest.mark.parametrize(
    ("text", "span", "value", "precision"),
    [
        ("وقع ذلك في 15 رمضان 1439 هـ", "15 رمضان 1439 هـ", "2018-05-30", "day"),
        ("الموافق 12 ربيع الأول 1440", "12 ربيع الأول 1440", "2018-11-20", "day"),
        ("في 1 محرم 1440 للهجرة", "1 محرم 1440 للهجرة", "2018-09-11", "day"),
        ("١٠ ذو الحجة ١٤٣٨ هـ", "١٠ ذو الحجة ١٤٣٨ هـ", "2017-09-01", "day"),
        ("في الخامس عشر من شعبان 1439", "الخامس عشر من شعبان 1439", "2018-05-01", "day"),
    ],
)
def test_hijri_dates_in_text(text: str, span: str, value: str, precision: str) -> None:
    (m,) = find_dates(text, None)
    assert (m.text, m.precision, m.relative) == (span, precision, False)
    assert abs((dt.date.fromisoformat(m.value) - dt.date.fromisoformat(value)).days) <= 1


def test_hijri_month_and_year_gives_gregorian_month() -> None:
    assert found("خلال رمضان 1439 هـ", None) == [("رمضان 1439 هـ", "2018-05", "month", False)]


def test_double_dating_gives_two_mentions() -> None:
    text = "السبت 10 ذو الحجة 1438 هـ الموافق 2 سبتمبر 2017"
    values = [m.value for m in find_dates(text, None)]
    assert len(values) == 2 and values[1] == "2017-09-02"


# ------------------------------------------------------------------------ weekdays


@pytest.mark.parametrize(
    ("weekday", "direction", "expected"),
    [
        (2, "last", dt.date(2017, 3, 15)),  # Wednesday on a Wednesday: same day
        (2, "past", dt.date(2017, 3, 8)),
        (2, "next", dt.date(2017, 3, 22)),
        (3, "last", dt.date(2017, 3, 9)),
        (3, "next", dt.date(2017, 3, 16)),
        (6, "past", dt.date(2017, 3, 12)),
    ],
)
def test_resolve_weekday(weekday: int, direction: str, expected: dt.date) -> None:
    assert resolve_weekday(weekday, PUB, direction) == expected


# -------------------------------------------------------------------------- dates.yaml


def test_dates_file_loads() -> None:
    lex = load_lexicon()
    assert lex.months["ابريل"] == 4 and lex.months["نيسان"] == 4
    assert lex.hijri_months["رمضان"] == 9
    assert lex.weekdays["الاحد"] == 6


def _write(tmp_path: Path, change: Callable[[dict[str, Any]], Any]) -> Path:
    data = yaml.safe_load(DATES_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "dates.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["months"]["gregorian"][2].append("مارس"), "'مارس' is already listed under"),
        (lambda d: d["months"]["gregorian"].update({13: ["شهر"]}), "months.gregorian.13"),
        (lambda d: d["weekdays"][3].append(""), "weekdays.3[1]"),
        (lambda d: d.pop("ago"), "ago"),
        (lambda d: d["relative_days"][0].update({"offest": 1}), "relative_days[0]"),
        (lambda d: d["modifiers"]["next"].append("الماضي"), "modifiers.next"),
    ],
)
def test_bad_dates_file_names_file_and_entry(
    tmp_path: Path, change: Callable[[dict[str, Any]], Any], where: str
) -> None:
    path = _write(tmp_path, change)
    with pytest.raises(DateDataError) as err:
        load_lexicon(path)
    assert str(path) in str(err.value) and where in str(err.value)


def test_custom_dates_file_is_used(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: d["months"]["gregorian"][3].append("مارت"))
    assert find_dates("في مارت 2017", None) == []
    assert [m.value for m in find_dates("في مارت 2017", None, path=path)] == ["2017-03"]
