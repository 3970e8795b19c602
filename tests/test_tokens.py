import pytest

from marsad.analyse.normalize import arabic_share, candidates, key, strip_suffix
from marsad.analyse.tokens import analyse_text, split_sentences, tokenize


@pytest.mark.parametrize(
    ("word", "stem"),
    [("وموسكو", "موسكو"), ("لروسيا", "روسيا"), ("بواشنطن", "واشنطن"), ("للأمم", "الامم"), ("وأعلن", "اعلن"),
     ("فسيتعاون", "يتعاون"), ("والولايات", "الولايات"), ("كالعادة", "العاده")],
)
def test_normalize_clitic_candidates(word: str, stem: str):
    assert stem in candidates(key(word))


def test_normalize_key_folds_variants_only_for_matching():
    assert key("أمريكيّة") == key("امريكيه") == "امريكيه"
    assert key("إيران") == key("ايران")
    assert key("مصطفى") == key("مصطفي")
    assert key("٢٠١٦") == "2016"
    assert key("ســلام") == "سلام"
    assert strip_suffix(key("علاقاتها")) == ("علاقات",)


def test_normalize_arabic_share():
    assert arabic_share("مرحبا hello") == pytest.approx(5 / 10)
    assert arabic_share("123") == 0.0


def test_tokens_offsets_and_kinds():
    text = "قال كيري: “هناك 500 مقاتل” في 3.5 ساعة"
    toks = tokenize(text, offset=10)
    assert all(text[t.start - 10 : t.end - 10] == t.text for t in toks)
    kinds = {t.text: t.kind for t in toks}
    assert kinds["500"] == "number" and kinds["3.5"] == "number" and kinds["“"] == "punct" and kinds["كيري"] == "word"


def test_sentences_respect_quotes_and_numbers():
    text = ("وأضاف: “هناك عروض كثيرة. لن نعلن عنها الآن”. وقال إن النسبة بلغت 3.5 بالمئة.\n"
            "فقرة ثانية؟ نعم! «اقتباس. داخلي» انتهى.")
    spans = [text[a:b] for a, b, _ in split_sentences(text)]
    assert spans == [
        "وأضاف: “هناك عروض كثيرة. لن نعلن عنها الآن”.",
        "وقال إن النسبة بلغت 3.5 بالمئة.",
        "فقرة ثانية؟",
        "نعم!",
        "«اقتباس. داخلي» انتهى.",
    ]


def test_sentences_carry_tokens_and_paragraphs():
    sents = analyse_text("جملة أولى هنا. جملة ثانية هنا.\nفقرة أخرى")
    assert [s.paragraph for s in sents] == [0, 0, 1]
    assert sents[1].tokens[0].text == "جملة" and sents[1].tokens[0].start == sents[1].start


def test_sentences_unbalanced_quote_does_not_swallow_text():
    text = "قال إن الأمر خطير\". ثم غادر القاعة. وبعدها انتهى الاجتماع."
    assert len(split_sentences(text)) == 3


def test_sentences_seeds_whole(seed_texts):
    from marsad.clean import clean_text

    text = clean_text(seed_texts["004_50cb21330e8327af"]).text
    sents = [text[a:b] for a, b, _ in split_sentences(text)]
    quote = next(s for s in sents if "هناك الكثير من العروض" in s)
    assert "لن نعلن عنها الآن" in quote  # a quotation with a full stop inside stays one sentence
    assert all(len(s) > 10 for s in sents)
