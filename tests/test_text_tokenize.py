"""Tests for the SudachiPy Tokenizer, long-text splitting and user dictionaries."""
import math
import pickle

import pytest

from mvvtext.exceptions import InputError
from mvvtext.text import (
    DEFAULT_STOPWORDS,
    Token,
    Tokenizer,
    build_user_dictionary,
    split_long_text,
)
from mvvtext.text._tokenize import SUDACHI_MAX_BYTES


@pytest.fixture(scope="module")
def tok():
    return Tokenizer()


def test_split_mode_validated_sklearn_style():
    with pytest.raises(InputError) as exc:
        Tokenizer(split_mode="D")
    assert str(exc.value) == "The 'split_mode' parameter of Tokenizer must be one of {'A', 'B', 'C'}. Got 'D' instead."
    assert isinstance(exc.value, ValueError)


@pytest.mark.parametrize("bad", [{"form": "lemma"}, {"pos": "名詞"}, {"cache_size": -1}])
def test_other_parameters_validated(bad):
    with pytest.raises(InputError):
        Tokenizer(**bad)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("お給料が安い", "給料が安い"),
        ("打合せが多い", "打ち合わせが多い"),
        ("ｷｭｳﾘｮｳが安い", "キュウリョウが安い"),
    ],
)
def test_spelling_variants_unify(tok, a, b):
    assert tok.content_words(a) == tok.content_words(b)
    assert tok.content_words(a)  # not trivially empty


def test_normalized_form_of_variants(tok):
    assert tok.content_words("打合せ") == ["打ち合わせ"]
    assert tok.content_words("お給料") == ["給料"]


@pytest.mark.parametrize("mode,expected", [("A", ["評価", "制度"]), ("C", ["評価制度"])])
def test_split_modes_differ(mode, expected):
    assert Tokenizer(split_mode=mode).content_words("評価制度") == expected


def test_tokenize_returns_frozen_tokens(tok):
    toks = tok.tokenize("打合せが多かった")
    assert all(isinstance(t, Token) for t in toks)
    first = toks[0]
    assert (first.surface, first.normalized, first.pos) == ("打合せ", "打ち合わせ", "名詞")
    assert len(first.pos_detail) == 6
    adj = [t for t in toks if t.pos == "形容詞"][0]
    assert adj.dictionary == "多い"
    with pytest.raises(AttributeError):
        first.surface = "x"


@pytest.mark.parametrize("form,expected", [("surface", "打合せ"), ("dictionary", "打合せ"), ("normalized", "打ち合わせ")])
def test_form_option(form, expected):
    assert Tokenizer(form=form).content_words("打合せ") == [expected]


def test_pos_filter_and_prefix_tuples():
    t = Tokenizer(pos=(("名詞", "普通名詞"),))
    assert t.content_words("給料が安い") == ["給料"]
    assert Tokenizer(pos=("形容詞",)).content_words("給料が安い") == ["安い"]


def test_numerals_are_not_content_words(tok):
    assert "3" not in tok.content_words("3回も残業した")


@pytest.mark.parametrize("filler", ["特になし", "特にありません", "なし", "ありません", "特に無し。", "特になしです"])
def test_survey_filler_gives_no_words(tok, filler):
    assert tok.content_words(filler) == []


def test_default_stopwords_contain_spec_words():
    for w in ["思う", "ある", "いる", "する", "なる", "こと", "もの", "なし"]:
        assert w in DEFAULT_STOPWORDS


def test_negation_is_kept(tok):
    assert "無い" in tok.content_words("上司の対応が良くない")


def test_custom_and_empty_stopwords():
    assert Tokenizer(stopwords=()).content_words("思う") == ["思う"]
    assert Tokenizer(stopwords={"給料"}).content_words("給料が安い") == ["安い"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", []),
        (None, []),
        (math.nan, []),
        ("😀🙏", []),
        ("ｶﾀｶﾅ", ["片仮名"]),
        ("\x00\x07給料", ["給料"]),
    ],
)
def test_naughty_inputs(tok, text, expected):
    assert tok.content_words(text) == expected


def test_kanji_1000_times(tok):
    words = tok.content_words("漢字" * 1000)
    assert words and set(words) <= {"漢字"}


def test_text_longer_than_sudachi_limit(tok):
    text = ("給料が安い。" * 12000)  # 216,000 bytes
    assert len(text.encode()) > SUDACHI_MAX_BYTES
    words = tok.content_words(text)
    assert words.count("給料") == 12000


def test_split_long_text_no_sentence_boundary():
    text = "あ" * 70000
    pieces = split_long_text(text)
    assert "".join(pieces) == text
    assert all(len(p.encode()) <= 40000 for p in pieces)
    assert len(pieces) == 6


def test_split_long_text_prefers_sentence_ends():
    text = ("あ" * 100 + "。") * 1000
    pieces = split_long_text(text)
    assert "".join(pieces) == text
    assert all(p.endswith("。") for p in pieces)


def test_short_text_not_split():
    assert split_long_text("給料") == ["給料"]


def test_lru_cache_returns_copies(tok):
    a = tok.content_words("給料が安い")
    a.append("x")
    assert tok.content_words("給料が安い") == ["給料", "安い"]


def test_cache_is_bounded():
    t = Tokenizer(cache_size=3)
    for i in range(10):
        t.content_words(f"給料{i}")
    info = t._cached_content.cache_info()
    assert info.currsize == 3 and info.maxsize == 3
    assert t.content_words("給料9") == ["給料"] and t._cached_content.cache_info().hits == 1


def test_picklable_and_callable(tok):
    tok.content_words("給料")
    clone = pickle.loads(pickle.dumps(tok))
    assert clone("給料が安い") == ["給料", "安い"]
    assert repr(Tokenizer(split_mode="A")) == "Tokenizer(split_mode='A')"


def test_usable_in_tfidf():
    sklearn = pytest.importorskip("sklearn.feature_extraction.text")
    vec = sklearn.TfidfVectorizer(tokenizer=Tokenizer(), lowercase=False, token_pattern=None)
    vec.fit(["給料が安い", "打合せが多い"])
    assert "打ち合わせ" in vec.vocabulary_


@pytest.fixture(scope="module")
def user_dic(tmp_path_factory):
    d = tmp_path_factory.mktemp("udic")
    csv = d / "terms.csv"
    csv.write_text(
        "ミライ推進室,4786,4786,5000,ミライ推進室,名詞,固有名詞,一般,*,*,*,ミライスイシンシツ,ミライ推進室,*,*,*,*,*\n",
        encoding="utf-8",
    )
    return build_user_dictionary(csv, d / "user.dic")


def test_user_dictionary_from_csv_makes_one_token(user_dic):
    text = "ミライ推進室に相談した"
    assert "ミライ推進室" not in Tokenizer().content_words(text)
    assert Tokenizer(user_dict=user_dic).content_words(text)[0] == "ミライ推進室"


def test_user_dictionary_from_terms_with_normalised_form(tmp_path):
    dic = build_user_dictionary([("エンゲージ手当", "エンゲージメント手当")], tmp_path / "u.dic")
    assert Tokenizer(user_dict=[dic]).content_words("エンゲージ手当が少ない") == ["エンゲージメント手当", "少ない"]


def test_user_dictionary_errors(tmp_path):
    with pytest.raises(InputError):
        build_user_dictionary(tmp_path / "missing.csv", tmp_path / "u.dic")
    with pytest.raises(InputError):
        build_user_dictionary(["a,b"], tmp_path / "u2.dic")
    with pytest.raises(InputError):
        Tokenizer(user_dict=tmp_path / "nope.dic").content_words("給料")


@pytest.mark.parametrize("form", ["normalized", "dictionary", "surface"])
def test_content_words_equal_a_full_sudachi_loop(form):
    """The field-subset tokenizer with a reused result list gives what plain SudachiPy gives."""
    from sudachipy import Dictionary

    texts = ["お給料が安くて打合せが多い。", "評価制度が分かりにくいので見直してもらいたい！",
             "東京本社の山田部長に相談しました", "ﾊﾟｿｺﾝが遅くて困っている。よろしくお願いします。"] * 3
    tok = Tokenizer(form=form, cache_size=0, normalize=False)
    full = Dictionary().create(mode="C")
    get = {"normalized": "normalized_form", "dictionary": "dictionary_form", "surface": "surface"}[form]
    for text in texts:
        expected = [getattr(m, get)() for m in full.tokenize(text)
                    if tok._keep_pos[m.part_of_speech_id()] and getattr(m, get)() not in DEFAULT_STOPWORDS]
        assert tok.content_words(text) == expected
