"""Every label the web pages show, in Arabic and English, kept in one place.

Pages are Arabic-first (right to left); ``?lang=en`` flips labels and direction. A
template asks ``t("key")``; a missing key shows the key itself, so a forgotten label is
visible on the page instead of breaking it.
"""

from __future__ import annotations

LANGS = ("ar", "en")
DEFAULT_LANG = "ar"
DIRECTION = {"ar": "rtl", "en": "ltr"}

LABELS: dict[str, dict[str, str]] = {
    # site
    "site_name": {"ar": "مرصد", "en": "marsad"},
    "site_tagline": {"ar": "أحداث سياسية من الأخبار العربية", "en": "Political events from Arabic news"},
    "nav_overview": {"ar": "نظرة عامة", "en": "Overview"},
    "nav_events": {"ar": "الأحداث", "en": "Events"},
    "nav_articles": {"ar": "المقالات", "en": "Articles"},
    "nav_dyads": {"ar": "الثنائيات", "en": "Dyads"},
    "nav_actors": {"ar": "الفاعلون", "en": "Actors"},
    "nav_search": {"ar": "بحث", "en": "Search"},
    "nav_ingest": {"ar": "إضافة مقال", "en": "Add article"},
    "other_lang": {"ar": "English", "en": "العربية"},
    "api_link": {"ar": "واجهة البرمجة (OpenAPI)", "en": "API (OpenAPI)"},
    # overview
    "overview_title": {"ar": "نظرة عامة على قاعدة البيانات", "en": "Database overview"},
    "count_articles": {"ar": "مقالات", "en": "articles"},
    "count_duplicates": {"ar": "منها نسخ مكررة", "en": "of them near-duplicates"},
    "count_events": {"ar": "إشارات إلى أحداث", "en": "event mentions"},
    "count_groups": {"ar": "أحداث فعلية", "en": "real events"},
    "count_actors": {"ar": "فاعلون (رموز)", "en": "actors (codes)"},
    "top_dyads": {"ar": "أنشط الثنائيات", "en": "Most active dyads"},
    "recent_events": {"ar": "أحدث الأحداث", "en": "Recent events"},
    "by_quad": {"ar": "الأحداث حسب الفئة", "en": "Events by quad class"},
    "by_type": {"ar": "حسب نوع الحدث", "en": "By event type"},
    "all_events": {"ar": "كل الأحداث", "en": "All events"},
    "empty_db": {"ar": "قاعدة البيانات فارغة. شغّل marsad run لملئها.",
                 "en": "The database is empty. Fill it with `marsad run`."},
    # events table
    "events_title": {"ar": "جدول الأحداث", "en": "Events"},
    "filter_actor": {"ar": "الفاعل", "en": "Actor"},
    "filter_recipient": {"ar": "المتلقي", "en": "Recipient"},
    "filter_type": {"ar": "نوع الحدث", "en": "Event type"},
    "filter_mode": {"ar": "النمط", "en": "Mode"},
    "filter_context": {"ar": "السياق", "en": "Context"},
    "filter_since": {"ar": "من تاريخ", "en": "Since"},
    "filter_until": {"ar": "حتى تاريخ", "en": "Until"},
    "filter_q": {"ar": "نص", "en": "Text"},
    "filter_mentions": {"ar": "كل الإشارات (لا دمج)", "en": "Every mention (unmerged)"},
    "filter_apply": {"ar": "تصفية", "en": "Filter"},
    "filter_reset": {"ar": "مسح", "en": "Reset"},
    "any": {"ar": "الكل", "en": "any"},
    "code_hint": {"ar": "رمز مثل USA", "en": "a code, e.g. USA"},
    "date_hint": {"ar": "YYYY-MM-DD", "en": "YYYY-MM-DD"},
    "results": {"ar": "النتائج", "en": "results"},
    "no_results": {"ar": "لا توجد نتائج.", "en": "No results."},
    "page": {"ar": "صفحة", "en": "Page"},
    "of": {"ar": "من", "en": "of"},
    "prev": {"ar": "السابق", "en": "Previous"},
    "next": {"ar": "التالي", "en": "Next"},
    "col_date": {"ar": "التاريخ", "en": "Date"},
    "col_type": {"ar": "النوع", "en": "Type"},
    "col_actor": {"ar": "الفاعل", "en": "Actor"},
    "col_recipient": {"ar": "المتلقي", "en": "Recipient"},
    "col_trigger": {"ar": "الكلمة الدالة", "en": "Trigger"},
    "col_mentions": {"ar": "إشارات", "en": "Mentions"},
    "col_sources": {"ar": "مصادر", "en": "Sources"},
    "col_evidence": {"ar": "الدليل", "en": "Evidence"},
    "col_article": {"ar": "المقال", "en": "Article"},
    "col_outlet": {"ar": "المصدر", "en": "Outlet"},
    "col_title": {"ar": "العنوان", "en": "Title"},
    "col_published": {"ar": "تاريخ النشر", "en": "Published"},
    "col_events": {"ar": "أحداث", "en": "Events"},
    "col_count": {"ar": "العدد", "en": "Count"},
    "col_code": {"ar": "الرمز", "en": "Code"},
    "col_name": {"ar": "الاسم", "en": "Name"},
    "col_as_actor": {"ar": "كفاعل", "en": "As actor"},
    "col_as_recipient": {"ar": "كمتلقٍ", "en": "As recipient"},
    "col_score": {"ar": "الدرجة", "en": "Score"},
    "col_period": {"ar": "الفترة", "en": "Period"},
    "col_direction": {"ar": "الاتجاه", "en": "Direction"},
    "col_mode": {"ar": "النمط", "en": "Mode"},
    "col_context": {"ar": "السياق", "en": "Context"},
    "show_evidence": {"ar": "الدليل", "en": "evidence"},
    "all_mentions": {"ar": "كل الإشارات والأدلة", "en": "all mentions and evidence"},
    "undated": {"ar": "غير مؤرخ", "en": "undated"},
    "export_csv": {"ar": "تنزيل CSV", "en": "Download CSV"},
    "export_jsonl": {"ar": "تنزيل JSONL", "en": "Download JSONL"},
    # event view
    "event_title": {"ar": "حدث", "en": "Event"},
    "event_mentions": {"ar": "الإشارات إلى هذا الحدث", "en": "Mentions of this event"},
    "event_counts": {"ar": "{m} إشارة في {a} مقال من {s} مصدر",
                     "en": "{m} mention(s) in {a} article(s) from {s} source(s)"},
    "date_certainty": {"ar": "مصدر التاريخ", "en": "date from"},
    "open_article": {"ar": "افتح المقال", "en": "open article"},
    "rule": {"ar": "القاعدة", "en": "rule"},
    "location": {"ar": "المكان", "en": "Location"},
    "speaker": {"ar": "المتحدث", "en": "Speaker"},
    # article view
    "article_title": {"ar": "مقال", "en": "Article"},
    "articles_title": {"ar": "المقالات", "en": "Articles"},
    "clean_text": {"ar": "النص بعد التنظيف", "en": "Clean text"},
    "legend": {"ar": "مفتاح الألوان", "en": "Legend"},
    "legend_actor": {"ar": "فاعل", "en": "actor"},
    "legend_trigger": {"ar": "كلمة دالة على حدث", "en": "event trigger"},
    "legend_other": {"ar": "إشارة أخرى (نسبة، داعم، مكان)", "en": "other mention (modifier, backer, place)"},
    "panel_events": {"ar": "الأحداث", "en": "Events"},
    "panel_quotes": {"ar": "الاقتباسات", "en": "Quotes"},
    "panel_claims": {"ar": "الادعاءات الرقمية", "en": "Numeric claims"},
    "panel_actors": {"ar": "الفاعلون المذكورون", "en": "Actors mentioned"},
    "no_events": {"ar": "لا أحداث.", "en": "No events."},
    "no_quotes": {"ar": "لا اقتباسات.", "en": "No quotes."},
    "no_claims": {"ar": "لا ادعاءات.", "en": "No claims."},
    "cleaning": {"ar": "ما أزاله التنظيف", "en": "What cleaning removed"},
    "cleaning_show": {"ar": "اعرض التغييرات ({n})", "en": "Show the changes ({n})"},
    "cleaning_none": {"ar": "لم يغيّر التنظيف شيئًا.", "en": "Cleaning changed nothing."},
    "cleaning_stale": {"ar": "تنبيه: تنظيف النص اليوم يعطي نصًا مختلفًا عن المخزّن (تغيّرت قواعد التنظيف).",
                       "en": "Note: cleaning the raw text today gives a different text than the stored one "
                             "(the cleaning rules changed)."},
    "col_kind": {"ar": "النوع", "en": "Kind"},
    "col_removed": {"ar": "النص المحذوف", "en": "Removed text"},
    "col_replaced": {"ar": "استُبدل بـ", "en": "Replaced by"},
    "col_why": {"ar": "السبب", "en": "Why"},
    "duplicate_of": {"ar": "نسخة مكررة من", "en": "near-duplicate of"},
    "dateline": {"ar": "مكان الإرسال", "en": "Dateline"},
    "source_url": {"ar": "الرابط الأصلي", "en": "Original URL"},
    "quote_direct": {"ar": "مباشر", "en": "direct"},
    "quote_indirect": {"ar": "غير مباشر", "en": "indirect"},
    "unknown_speaker": {"ar": "متحدث غير معروف", "en": "unknown speaker"},
    "unattributed": {"ar": "غير منسوب", "en": "unattributed"},
    # dyads
    "dyads_title": {"ar": "الثنائيات", "en": "Dyads"},
    "dyad_pick": {"ar": "اختر ثنائية", "en": "Pick a dyad"},
    "dyad_show": {"ar": "اعرض", "en": "Show"},
    "dyad_title": {"ar": "العلاقة بين", "en": "Relations between"},
    "dyad_series": {"ar": "التعاون والنزاع عبر الزمن", "en": "Cooperation and conflict over time"},
    "dyad_timeline": {"ar": "الخط الزمني", "en": "Timeline"},
    "freq": {"ar": "الفترة", "en": "Period"},
    "freq_day": {"ar": "يوم", "en": "day"},
    "freq_week": {"ar": "أسبوع", "en": "week"},
    "freq_month": {"ar": "شهر", "en": "month"},
    "freq_quarter": {"ar": "ربع سنة", "en": "quarter"},
    "freq_year": {"ar": "سنة", "en": "year"},
    "series_left_out": {"ar": "خارج الرسم: {u} حدث غير مؤرخ، و{c} حدث تاريخه أقل دقة من الفترة المختارة.",
                        "en": "Not charted: {u} undated event(s) and {c} dated less precisely than the period."},
    "chart_score": {"ar": "مجموع الدرجات", "en": "score (sum)"},
    "chart_none": {"ar": "لا أحداث مؤرخة لرسمها.", "en": "No dated events to chart."},
    "timeline_cut": {"ar": "تُعرض أول {n} أحداث فقط.", "en": "Only the first {n} events are shown."},
    # actors
    "actors_title": {"ar": "الفاعلون", "en": "Actors"},
    "actor_title": {"ar": "الفاعل {code}", "en": "Actor {code}"},
    "acts_on": {"ar": "يفعل في من", "en": "Acts on"},
    "acted_on_by": {"ar": "من يفعل فيه", "en": "Acted on by"},
    "acts_with": {"ar": "يشترك مع", "en": "Acts together with"},
    "actor_network": {"ar": "شبكة العلاقات", "en": "Network"},
    "actor_names": {"ar": "كيف يُذكر", "en": "How it is named"},
    "actor_events": {"ar": "أحداثه", "en": "Its events"},
    "col_total": {"ar": "المجموع", "en": "Total"},
    # search
    "search_title": {"ar": "بحث في الجمل", "en": "Search sentences"},
    "search_button": {"ar": "ابحث", "en": "Search"},
    # ingest
    "ingest_title": {"ar": "إضافة مقال", "en": "Add an article"},
    "ingest_intro": {"ar": "الصق نص مقال أو ارفع ملفًا (.txt أو .html)؛ يمر المقال بمراحل المعالجة ويُخزَّن، "
                           "ثم تُعرض صفحته.",
                     "en": "Paste an article's text or upload a file (.txt or .html); it goes through the pipeline "
                           "and is stored, then its page opens."},
    "ingest_disabled": {"ar": "الكتابة معطلة: شغّل الخادم مع --write-token أو المتغير MARSAD_WRITE_TOKEN.",
                        "en": "Writing is disabled: start the server with --write-token or MARSAD_WRITE_TOKEN."},
    "ingest_text": {"ar": "النص", "en": "Text"},
    "ingest_file": {"ar": "أو ملف", "en": "or a file"},
    "ingest_token": {"ar": "رمز الكتابة", "en": "Write token"},
    "ingest_submit": {"ar": "عالج وخزّن", "en": "Process and store"},
    "ingest_id": {"ar": "المعرّف (اختياري)", "en": "Id (optional)"},
    "ingest_url": {"ar": "الرابط (اختياري)", "en": "URL (optional)"},
    # errors
    "error_title": {"ar": "خطأ", "en": "Error"},
    "not_found": {"ar": "غير موجود", "en": "Not found"},
    "back_home": {"ar": "العودة إلى نظرة عامة", "en": "Back to the overview"},
}

QUAD_LABELS: dict[int, dict[str, str]] = {
    1: {"ar": "تعاون لفظي", "en": "verbal cooperation"},
    2: {"ar": "تعاون مادي", "en": "material cooperation"},
    3: {"ar": "نزاع لفظي", "en": "verbal conflict"},
    4: {"ar": "نزاع مادي", "en": "material conflict"},
}

EVENT_TYPE_LABELS: dict[str, dict[str, str]] = {
    "AGREE": {"ar": "اتفاق", "en": "agree"},
    "CONSULT": {"ar": "تشاور", "en": "consult"},
    "SUPPORT": {"ar": "دعم", "en": "support"},
    "CONCEDE": {"ar": "تنازل", "en": "concede"},
    "COOPERATE": {"ar": "تعاون", "en": "cooperate"},
    "AID": {"ar": "مساعدة", "en": "aid"},
    "RETREAT": {"ar": "تراجع", "en": "retreat"},
    "REQUEST": {"ar": "طلب", "en": "request"},
    "ACCUSE": {"ar": "اتهام", "en": "accuse"},
    "REJECT": {"ar": "رفض", "en": "reject"},
    "THREATEN": {"ar": "تهديد", "en": "threaten"},
    "PROTEST": {"ar": "احتجاج", "en": "protest"},
    "SANCTION": {"ar": "عقوبات", "en": "sanction"},
    "MOBILIZE": {"ar": "تعبئة", "en": "mobilize"},
    "COERCE": {"ar": "إكراه", "en": "coerce"},
    "ASSAULT": {"ar": "اعتداء", "en": "assault"},
}

EVENT_TYPES = tuple(EVENT_TYPE_LABELS)

DATE_SOURCE_LABELS: dict[str, dict[str, str]] = {
    "text": {"ar": "مذكور في النص", "en": "stated in the text"},
    "published": {"ar": "تاريخ النشر", "en": "publication date"},
    "given": {"ar": "تاريخ النشر", "en": "publication date"},
    "header": {"ar": "تاريخ رأس الصفحة (غير موثوق)", "en": "page header date (unreliable)"},
    "none": {"ar": "غير مؤرخ", "en": "undated"},
}


def pick_lang(value: str | None) -> str:
    """A supported language code, the default for anything else."""
    return value if value in LANGS else DEFAULT_LANG


def label(key: str, lang: str, **fields: object) -> str:
    """The label ``key`` in ``lang`` with ``{fields}`` filled in (the key itself when unknown)."""
    entry = LABELS.get(key)
    text = (entry.get(lang) or entry.get("en", key)) if entry else key
    return text.format(**fields) if fields else text


def quad_label(quad: int | None, lang: str) -> str:
    return QUAD_LABELS.get(quad or 0, {}).get(lang, str(quad))


def event_type_label(event_type: str, lang: str) -> str:
    return EVENT_TYPE_LABELS.get(event_type, {}).get(lang, event_type)


def date_source_label(source: str | None, lang: str) -> str:
    return DATE_SOURCE_LABELS.get(source or "none", DATE_SOURCE_LABELS["none"])[lang]
