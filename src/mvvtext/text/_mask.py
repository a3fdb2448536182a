"""Personal-data detection and masking for Japanese employee text.

Masks, in this order of precedence (an earlier kind wins an overlap): URLs,
e-mail addresses, employee numbers, bank account numbers, My Numbers (個人番号),
LINE IDs and @handles, birth dates, phone numbers, postal addresses and person
names. Account numbers, My Numbers, IDs and birth dates are found after a keyword
(「普通 1234567」「マイナンバーは…」「LINE ID:」「生年月日」, or a date before 「生まれ」);
the keyword is kept and only the value is replaced. Bare digit runs, amounts, counts and
ordinary dates (「4月1日に入社」) are kept. Addresses need street-level detail
(「東京都品川区西五反田1-2-3」「〒141-0031」); place names alone (「大阪拠点」「東京都の案件」)
are kept. Names are found from honorifics and job titles (「山田課長」「佐藤さん」), with an exclusion
list for the many role nouns that take the same suffixes (「お客さん」「派遣先さん」
「皆さん」「営業さん」), from SudachiPy's dictionary of person names (names with no
honorific: 「受付：人事部 小川」, signatures), and optionally from GiNZA ``Person``
entities. Bare ids such as 「MG-452210」 are masked as employee numbers. Names
are looked up with variant kanji folded to their standard form (「髙橋」「德永」
「神﨑」「𠮷田」 as 高橋, 徳永, 神崎, 吉田), so a name masked in standard kanji is masked
in variant kanji too.

Nothing here stores the original strings: :func:`find_personal_data` returns
positions only and :func:`mask_personal_data` returns the masked text.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from mvvtext.exceptions import InputError
from mvvtext.text._normalize import normalize as _normalize
from mvvtext.text._tokenize import core_dictionary, split_long_text

__all__ = [
    "PLACEHOLDERS",
    "DEFAULT_EMPLOYEE_ID_PATTERN",
    "NAME_EXCLUSIONS",
    "PersonalDataSpan",
    "find_personal_data",
    "mask_personal_data",
]

PLACEHOLDERS: dict[str, str] = {
    "name": "〈氏名〉",
    "phone": "〈電話〉",
    "email": "〈メール〉",
    "employee_id": "〈社員番号〉",
    "url": "〈URL〉",
    "address": "〈住所〉",
    "bank_account": "〈口座番号〉",
    "my_number": "〈個人番号〉",
    "account_id": "〈ID〉",
    "birth_date": "〈生年月日〉",
}

DEFAULT_EMPLOYEE_ID_PATTERN = (
    r"(?:社員|従業員|職員)(?:番号|No\.?|NO\.?|no\.?|ID|Id|id|コード|CD)\s*(?:は|が|:|：|#|=)?\s*"
    r"[A-Za-z]{0,3}-?\d{3,10}"
    r"|社番\s*[:：#=]?\s*[A-Za-z]{0,3}-?\d{3,10}"
    r"|(?<![A-Za-z0-9])[Ee]-?\d{4,8}(?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9\-])[A-Z]{1,4}-\d{5,10}(?![A-Za-z0-9])"  # bare ids such as MG-452210
)

_URL = re.compile(
    r"(?:https?|ftp)://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    r"|(?<![A-Za-z0-9@.])www\.[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*"
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+\s?[@＠]\s?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
_D = r"[0-9０-９]"
_SEP = r"[\-‐‑–—―−－ーｰ. ]?"
_PHONE = re.compile(
    r"(?<![0-9０-９A-Za-z])"
    r"(?:[+＋]\s?[8８]\s?[1１][\- ]?[(（]?[0０]?[)）]?[\- ]?|[(（]?[0０])"
    rf"{_D}{{1,4}}[)）]?{_SEP}[(（]?{_D}{{1,4}}[)）]?{_SEP}{_D}{{3,4}}"
    r"(?![0-9０-９])"
)
_DIGIT = re.compile(r"[0-9０-９]")

# Values after a keyword: 「普通 1234567」「口座番号は1234567」「マイナンバー:1234 5678 9012」
# 「LINE ID: taro_88」「生年月日 1990年4月1日」. Only the value (group ``v*``) is masked, the
# keyword stays. Without a keyword no digit run is masked (「受付番号12345678」「1234567円」).
_KEY_SEP = r"\s?(?:は|が|:|：|=|#|＃)?\s?"
# a number that is an amount, a count, a time or a date is no account number (「普通 1000000円」)
_NOT_UNIT = (
    r"(?![0-9０-９,，]|\s?(?:円|万|千|億|件|時|分|秒|日|月|年|名|人|回|個|歳|号|室|階|週|本|枚|点|位|倍|割"
    r"|ヶ|か月|カ月|%|％|kg|km|cm|mm))"
)
_BANK_ACCOUNT = re.compile(
    # 「口座番号: 1234567」「口座No.123-1234567」: an explicit account number, 4-10 digits
    rf"口座(?:番号|No\.?|NO\.?|no\.?){_KEY_SEP}(?P<va>\d{{3,4}}-\d{{6,8}}|\d{{4,10}}){_NOT_UNIT}"
    # 「普通 7654321」「普通預金 1234567」「当座 0012345」「口座 1234567」: 6-8 digits
    rf"|(?:(?:普通|当座|貯蓄)(?:預金)?(?:口座)?(?:番号)?|総合口座(?:番号)?|口座){_KEY_SEP}(?P<vb>\d{{6,8}}){_NOT_UNIT}"
    # branch codes: 「支店番号123」「店番 123」
    rf"|(?:支店番号|支店コード|支店No\.?|店番号|店番){_KEY_SEP}(?P<vc>\d{{3}})(?![0-9０-９])"
    # ゆうちょ: 「記号12345 番号12345678」, 「ゆうちょの記号12345」, 「ゆうちょ 12345-12345678」; 記号 with
    # neither 番号 nor ゆうちょ (「記号12345」) may be a part code and is kept
    rf"|ゆうちょ(?:銀行)?の?(?:口座)?の?\s?記号{_KEY_SEP}(?P<vd>1\d{{4}}(?:-\d)?)(?![0-9０-９])"
    rf"(?:[\s、,]*番号{_KEY_SEP}(?P<ve>\d{{6,8}})(?![0-9０-９]))?"
    rf"|記号{_KEY_SEP}(?P<vg>1\d{{4}}(?:-\d)?)[\s、,]*番号{_KEY_SEP}(?P<vh>\d{{6,8}})(?![0-9０-９])"
    rf"|ゆうちょ(?:銀行)?(?:の)?(?:口座)?(?:番号)?{_KEY_SEP}(?P<vf>1\d{{4}}(?:-\d)?[-\s]\d{{6,8}})(?![0-9０-９])"
)
_MY_NUMBER = re.compile(
    rf"(?:マイナンバー|個人番号)(?:カード)?(?:の)?(?:番号)?(?:\s?[(（]個人番号[)）])?{_KEY_SEP}"
    r"(?P<v>\d{4}[\s\-]?\d{4}[\s\-]?\d{4})(?![0-9０-９])"
)
# LINE IDs (4-20 letters, digits, . - _; 3-30 taken) after LINE/ライン; after 「ID」「アカウント」 alone
# only an @handle is taken (「IDは12345」 is kept)
_ACCOUNT_ID = re.compile(
    rf"(?<![A-Za-z])(?:LINE|Line|line|ライン|らいん)\s?の?\s?(?:ID|Id|id|アカウント)名?{_KEY_SEP}"
    r"(?P<vl>[@＠]?[A-Za-z0-9][A-Za-z0-9._\-]{2,29})(?![A-Za-z0-9_\-@])"
    rf"|(?:(?<![A-Za-z])(?:ID|Id|id)|アカウント)名?{_KEY_SEP}(?P<va>[@＠][A-Za-z0-9_][A-Za-z0-9._\-]{{1,29}})"
    r"(?![A-Za-z0-9_\-@])"
)
_BIRTH_DAY = (  # a date with a day, or a year and a month; a year alone (「1990年生まれ」) is kept
    r"(?:(?:19|20)\d{2}|(?:昭和|平成|令和|[SHRshr])\s?(?:\d{1,2}|元))\s?年\s?\d{1,2}\s?月(?:\s?\d{1,2}\s?日)?"
    r"|\d{1,2}\s?月\s?\d{1,2}\s?日"
    r"|(?:(?:19|20)\d{2}|[SHRshr]\d{1,2})[/.\-]\d{1,2}[/.\-]\d{1,2}"
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"|\d{1,2}/\d{1,2}"
)
_BIRTH_DATE = re.compile(
    # 「生年月日: 1990/04/01」「誕生日は4月1日」「生まれは1990年4月1日」
    rf"(?:生年月日|誕生日|出生日|生まれ(?:た日)?|[Bb]irthday|DOB)\s?[(（]?{_KEY_SEP}(?P<vk>{_BIRTH_DAY})(?![0-9０-９/])"
    # 「1990年4月1日生まれ」「平成2年4月1日生」「4月1日生の社員」 (not 「4月1日生産分」「4月1日生活」)
    rf"|(?<![0-9０-９])(?P<vg>{_BIRTH_DAY})(?=\s?生(?:まれ|(?=[の、。,.)）\s]|$)))"
)

# CJK Extension A, the unified block, compatibility ideographs (﨑 U+FA11 survives NFKC) and
# Extension B and later (𠮷 U+20BB7; the supplementary planes hold only ideographs).
_KANJI = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff々〆ヶ"
_KATA = r"\u30a1-\u30fa\u30fc"

# Postal addresses: a prefecture and/or municipality (市 区 郡 町 村), a town name and a
# street number (「西五反田1-2-3」「3丁目2番地1号」「丸の内1の1」), or a postal code with 〒.
# A bare place name (「品川の客先」「東京都の案件」「品川区の事業所」) has no number and is kept.
_PREFECTURES = (
    "北海道|東京都|京都府|大阪府|(?:青森|岩手|宮城|秋田|山形|福島|茨城|栃木|群馬|埼玉|千葉|神奈川|新潟|富山|石川"
    "|福井|山梨|長野|岐阜|静岡|愛知|三重|滋賀|兵庫|奈良|和歌山|鳥取|島根|岡山|広島|山口|徳島|香川|愛媛|高知|福岡|佐賀"
    "|長崎|熊本|大分|宮崎|鹿児島|沖縄)県"
)
_ADDR_MUNI = (  # cities written in kana are listed (「さいたま市」), other kana never starts one
    rf"(?:[{_KANJI}{_KATA}]{{1,6}}?|さいたま|つくばみらい|つくば|いわき|ひたちなか|かすみがうら|あきる野|みよし"
    rf"|たつの|さくら|むつ|みどり|にかほ|いなべ|うきは|みやま|えびの)[市区郡町村]"
)
_ADDR_TOWN = (  # 「西五反田」「丸の内」「霞が関」「みなとみらい」「北1条西」 (Sapporo), 「烏丸通七条下る東塩小路町」 (Kyoto)
    rf"[{_KANJI}{_KATA}][{_KANJI}{_KATA}のがケノ]{{0,10}}|[ぁ-ゖ]{{2,8}}|[{_KANJI}]{{0,4}}[1-9][0-9]?条[{_KANJI}]{{0,3}}"
    rf"|(?:[{_KANJI}]{{1,8}}(?:上る|下る|入る|上ル|下ル|入ル))+[{_KANJI}]{{0,8}}"
)
_ADDR_N = r"(?:[1-9][0-9]{0,3}|[一二三四五六七八九十]{1,3}(?=丁目))"
_ADDR_UNIT = "丁目|番地|番|号"
# numbers never run on into a date, a time, a count or another number (「港区2-3名」「10-18時」)
_ADDR_BLOCK = (
    rf"{_ADDR_N}(?:(?:{_ADDR_UNIT})[-ーの]?{_ADDR_N}|[-ーの]{_ADDR_N}){{0,3}}(?:{_ADDR_UNIT})?"
    r"(?![0-9\-ー条時分秒名人件回月日年個台円歳度位点倍割%〜~])"
)
_ADDRESS = re.compile(
    rf"(?P<pref>{_PREFECTURES})?(?P<muni>(?:{_ADDR_MUNI}){{1,3}})(?P<town>{_ADDR_TOWN})??\s?(?P<block>{_ADDR_BLOCK})"
)
_POSTAL = re.compile(
    r"〒\s?[0-9]{3}[-ー]?[0-9]{4}(?![0-9])"
    rf"(?:\s?(?:(?:{_PREFECTURES})(?:{_ADDR_MUNI}){{0,3}}|(?:{_ADDR_MUNI}){{1,3}})(?:{_ADDR_TOWN})?"
    rf"(?:\s?{_ADDR_BLOCK})?)?"
)
_ADDR_UNITS = re.compile(_ADDR_UNIT)
_ADDR_SEPS = re.compile(r"(?<=[0-9一二三四五六七八九十])[-ーの](?=[0-9])")
# words ending in 区/市/町 that are no municipality: 「地区大会2-1」 is a score
_NOT_MUNICIPALITY = ("地区", "学区", "管区", "選挙区", "特区", "都市", "下町", "市町村")
_MUNI_SUFFIX = re.compile("[市区郡町村]")
_DATE_LIKE = re.compile(r"(?:19|20)[0-9]{2}[-ー][0-9]{1,2}[-ー][0-9]{1,2}")

# Variant kanji → the standard form, one character for one (offsets do not move). Names are
# looked for in the folded text, because SudachiPy's dictionary knows 高橋 and 徳永 but not
# 髙橋 and 德永, which Excel (cp932 IBM extension kanji), old registers and PDF copies give:
# IBM extension kanji (髙 U+9AD9, 﨑 U+FA11, 德), CJK Extension B (𠮷 U+20BB7), old forms
# (澤 邊 齋 濱) and CJK radicals that PDF text extraction produces (課⻑). The compatibility
# ideographs (U+F900-FAFF, U+2F800-2FA1F) and Kangxi radicals that NFKC folds are folded the
# same way here, for text that was not normalised.
_VARIANT_PAIRS = (
    "髙高 德徳 﨑崎 嵜崎 𠮷吉 增増 寬寛 悅悦 敎教 昻昂 橫横 淸清 濵浜 濱浜 瀨瀬 綠緑 緖緒 羡羨 薰薫 賴頼 郞郎 鄕郷"
    " 靑青 黑黒 栁柳 桒桑 杦杉 靍鶴 靏鶴 隝島 冝宜 曻昇 甁瓶 邊辺 邉辺 澤沢 櫻桜 廣広 齋斎 齊斉 國国 圀国 眞真 惠恵"
    " 嶋島 嶌島 冨富 藏蔵 實実 壽寿 榮栄 龜亀 萬万 彌弥 禮礼 條条 圓円 槇槙 曾曽 峯峰 埜野 舘館 邨村 嶽岳 恆恒 晉晋"
    " 淺浅 澁渋 瀧滝 縣県 聰聡 莊荘 豐豊 鐵鉄 關関 黃黄 遙遥 堯尭 來来 兒児 傳伝 會会 驒騨 蘆芦 讓譲 顯顕 靜静"
    " ⻑長 ⻄西 ⻘青 ⻝食 ⻤鬼 ⻭歯 ⻲亀 ⻩黄 ⻯竜 ⻨麦 ⻫斉"
).split()


def _ranges(chars: Iterable[str]) -> list[tuple[str, str]]:
    """Sorted characters as (first, last) runs of consecutive code points."""
    out: list[list[str]] = []
    for c in sorted(chars):
        if out and ord(c) == ord(out[-1][1]) + 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return [(a, b) for a, b in out]


_FOLD_MAP = {
    c: n for c in map(chr, [*range(0xF900, 0xFB00), *range(0x2F00, 0x2FD6), *range(0x2F800, 0x2FA20)])
    if len(n := unicodedata.normalize("NFKC", c)) == 1 and n != c
} | {p[0]: p[1] for p in _VARIANT_PAIRS}
_FOLD = str.maketrans(_FOLD_MAP)
# written as ranges: a class listing some 1,300 single characters, one outside the BMP, is slow
_HAS_VARIANT = re.compile(
    "[" + "".join(re.escape(a) + ("-" + re.escape(b) if b != a else "") for a, b in _ranges(_FOLD_MAP)) + "]"
)

_KANJI_HONORIFICS = (
    "課長代理", "部長代理", "支店長", "工場長", "副部長", "副社長", "本部長", "事業部長",
    "課長", "部長", "係長", "主任", "社長", "専務", "常務", "室長", "所長", "店長",
    "次長", "会長", "班長", "先生", "先輩", "様", "君", "氏", "殿",
)
_KANA_HONORIFICS = ("さん", "さま", "くん", "ちゃん", "はん")
_KATA_HONORIFICS = ("マネージャー", "マネジャー", "リーダー", "チーフ", "サン", "サマ")
_HONORIFICS = sorted(_KANJI_HONORIFICS + _KANA_HONORIFICS + _KATA_HONORIFICS, key=len, reverse=True)
# One-kanji honorifics must not start a longer compound (同様, 様子, 氏名, 君主), and ちゃん
# before と is the adverb ちゃんと far more often than a name (「残業代ちゃんと出る」).
_HON = "|".join(
    re.escape(h) + (rf"(?![{_KANJI}])" if len(h) == 1 else "(?!と)" if h == "ちゃん" else "")
    for h in _HONORIFICS
)
_NAME = re.compile(
    rf"(?<![{_KANJI}])(?P<k>[{_KANJI}]+?)(?P<hk>{_HON})"
    rf"|(?<![{_KATA}])(?P<t>[{_KATA}]{{2,}}?)(?P<ht>{_HON})"
    rf"|(?<![A-Za-z])(?P<l>[A-Z][a-z]+)\s?(?P<hl>{_HON})"
)

#: Role nouns and words that take an honorific but are not a person's name.
NAME_EXCLUSIONS: frozenset[str] = frozenset("""
客 お客 顧客 来客 乗客 皆 皆々 各位 先 派遣 派遣先 取引先 出向先 委託先 外注先 仕入先 営業 業者 上司
部下 同僚 先輩 後輩 新人 新卒 中途 同期 若手 中堅 古株 年配 担当 担当者 相手 本人 奥 母 父 兄 姉 弟 妹 娘 息子 家族 親
嫁 旦那 婿 孫 叔父 叔母 伯父 伯母 祖父 祖母 爺 婆 赤 坊 神 王 仏 殿 宮 御 同 両 諸 彼 彼女 某 各 貴 当 仕 模 多 異 有 左 今
外 内 主 細 若 姫 俺 僕 私 自分 我々 一 二 三 四 五 六 七 八 九 十 数 全員 各自 個人 人 方 方々 人達 一人 事務 総務 人事
経理 財務 法務 広報 企画 開発 技術 製造 品質 生産 物流 購買 設計 施工 現場 工場 本社 支社 支店 店舗 本部 事業 部門
部署 他部署 他部門 社員 職員 従業員 正社員 契約社員 派遣社員 管理職 役員 幹部 経営 経営陣 会社 協力会社 元請 下請 親会社
子会社 他社 当社 弊社 御社 貴社 競合 大家 医者 医師 看護師 運転手 店員 駅員 警備員 清掃員 作業員 事務員 利用者 患者
大工 職人 農家 主婦 学生 講師 委員 委員長 議長 面接官 監督 隣 近所 友達 友人 知人 仲間 苦労 世話 陰 馳走 課長 部長 係長
社長 主任 専務 常務 室長 所長 店長 次長 会長 班長 上長 上席 前任 後任 新任 歴代 関係者 責任者 管理者 申請者 対象者
応募者 候補者 受講者 参加者 退職者 新入社員 女性 男性 高齢 外国人 受付 窓口 一般 全体 地域 地元 現地 本店 役所 役場
社外 社内 外部 内部 管理 情報 総合 制度 人材 採用 教育 研修 監査 保安 警備 清掃 食堂 売店 上 下 前 後 元 新 旧 現 副
パート バイト アルバイト スタッフ メーカー ベンダー ドライバー ユーザー オーナー クライアント ゲスト メンバー チーム
グループ プロジェクト エリア サブ セクション ライン フロア ストア ショップ システム サポート ヘルプデスク センター
パートナー ボランティア インターン シニア ジュニア リーダー マネージャー ママ パパ ベテラン ホスト オペレーター
常連 得意先 お得意 先方 相方 店主 配達員 宅配 美容師 保育士 整体師 歯医者 お隣 ご近所 お向かい
見方 健師 保健師 マイナ チカ りょう ラマダン
""".split())

_LEADING = ("昨日", "今日", "本日", "先日", "明日", "毎日", "先週", "今週", "来週", "先月", "今月",
            "来月", "去年", "今年", "昨年", "以前", "最近", "前任", "後任", "新任")
_ORG = ("部門", "事業部", "本部", "支店", "部", "課", "室", "店", "所", "局", "社", "係", "班", "署")


@dataclass(frozen=True)
class PersonalDataSpan:
    """Position of one piece of personal data in a text (no text is kept).

    Attributes
    ----------
    type : str
        One of ``"url"``, ``"email"``, ``"employee_id"``, ``"bank_account"``,
        ``"my_number"``, ``"account_id"``, ``"birth_date"``, ``"phone"``,
        ``"address"``, ``"name"`` (the keys of :data:`PLACEHOLDERS`).
    start, end : int
        Character offsets, ``text[start:end]`` is the personal data.
    """

    type: str
    start: int
    end: int


@functools.lru_cache(maxsize=32)
def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise InputError(
            f"The 'employee_id_pattern' parameter is not a valid regular expression: {e}. "
            f"Got {pattern!r}."
        ) from e


def _phone_ok(match: str) -> bool:
    digits = "".join(_DIGIT.findall(match))
    if match.lstrip("(（").startswith(("+", "＋")):
        rest = digits[2:].lstrip("0０")
        return 9 <= len(rest) <= 10
    return 10 <= len(digits) <= 11


def _address_ok(m: re.Match[str]) -> bool:
    """An address needs 丁目/番地/番/号 or 「1-2-3」; 「1-2」 after a prefecture or a town name."""
    block = m.group("block")
    if _ADDR_UNITS.search(block):
        return True
    if _DATE_LIKE.fullmatch(block):
        return False
    seps = len(_ADDR_SEPS.findall(block))
    if seps >= 2 or (seps == 1 and m.group("pref")):
        return True
    muni, town = m.group("muni"), m.group("town") or ""
    if seps != 1 or muni.endswith(_NOT_MUNICIPALITY) or (muni + town).endswith(_NOT_MUNICIPALITY):
        return False
    # 「八王子市旭町1-1」: the town 旭町 is read as a second municipality
    return bool(town) or len(_MUNI_SUFFIX.findall(muni)) >= 2


def _fold(text: str) -> str:
    """``text`` with variant kanji replaced by their standard form (the same object when there are none)."""
    return text.translate(_FOLD) if _HAS_VARIANT.search(text) else text


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans joined, so 「千ヶ崎」 found whole in one pass and as 「千」 in another is one span."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


@functools.lru_cache(maxsize=8)
def _suffixes(exclusions: frozenset[str]) -> tuple[str, ...]:
    return tuple(w for w in exclusions if len(w) >= 2)


def _excluded(name: str, exclusions: frozenset[str]) -> bool:
    """True for a role noun: exact one-kanji words, or ending in a longer listed word."""
    return name in exclusions or name.endswith(_suffixes(exclusions))


def _trim_name(run: str, exclusions: frozenset[str]) -> tuple[int, int] | None:
    """Offsets within ``run`` of the part to mask, or None when it is not a name."""
    start = 0
    for org in _ORG:  # 「営業部山田」→「山田」; keep 「阿部」「服部」 (fewer than 2 chars after)
        pos = run.rfind(org)
        if pos >= 0 and len(run) - (pos + len(org)) >= 2:
            start = max(start, pos + len(org))
    changed = True
    while changed:
        changed = False
        for lead in _LEADING:
            if run.startswith(lead, start) and len(run) - start - len(lead) >= 1:
                start += len(lead)
                changed = True
    if _excluded(run[start:], exclusions) or _excluded(run, exclusions):
        return None
    start = max(start, len(run) - 4)  # a full name is at most four kanji
    return start, len(run)


def _name_spans(text: str, exclusions: frozenset[str]) -> list[tuple[int, int]]:
    spans = []
    for m in _NAME.finditer(text):
        group = "k" if m.group("k") else "t" if m.group("t") else "l"
        run, run_start = m.group(group), m.start(group)
        if group == "l":
            if run not in exclusions:
                spans.append((run_start, m.end(group)))
            continue
        cut = _trim_name(run, exclusions)
        if cut is None:
            continue
        spans.append((run_start + cut[0], run_start + cut[1]))
    return spans


@functools.lru_cache(maxsize=1)
def _sudachi() -> Any:
    """Mode-C tokenizer loading only POS + surface, and the POS ids of person names, surnames and nouns."""
    d = core_dictionary()
    table = []
    while (p := d.pos_of(len(table))) is not None:
        table.append(p)
    names = frozenset(i for i, p in enumerate(table) if p[2] == "人名")
    surnames = frozenset(i for i in names if table[i][3] == "姓")
    nouns = frozenset(i for i, p in enumerate(table) if p[0] == "名詞" and p[1] not in ("数詞", "助数詞"))
    return d.create(mode="C", fields={"pos", "surface"}), names, surnames, nouns


_SPACE = frozenset(" \u3000\t")


def _dictionary_name_spans(text: str, exclusions: frozenset[str], morphemes: Any = None) -> list[tuple[int, int]]:
    """Spans of words SudachiPy's dictionary tags as person names (名詞-固有名詞-人名).

    A surname followed by a space and a short noun is taken as 「姓 名」 (「岡田 さくら」),
    since given names written in kana are often not in the dictionary. ``morphemes``:
    a split-mode-C analysis of the whole ``text`` to use instead of a new pass.
    """
    tok, names, surnames, nouns = _sudachi()
    spans: list[tuple[int, int]] = []
    offset = 0
    pieces = split_long_text(text)
    for piece in pieces:
        if morphemes is None or len(pieces) > 1:
            morphemes = tok.tokenize(piece)
        n = len(morphemes)
        for i in range(n):
            m = morphemes[i]
            pid = m.part_of_speech_id()
            if pid not in names or m.surface() in exclusions:
                continue
            spans.append((offset + m.begin(), offset + m.end()))
            if pid in surnames and i + 2 < n and m.end() < len(piece) and piece[m.end()] in _SPACE:
                nxt = morphemes[i + 2] if morphemes[i + 1].surface().isspace() else None
                if (nxt is not None and nxt.part_of_speech_id() in nouns
                        and len(nxt.surface()) <= 4 and not _excluded(nxt.surface(), exclusions)):
                    spans.append((offset + nxt.begin(), offset + nxt.end()))
        offset += len(piece)
    return spans


def _merge_names(found: list[PersonalDataSpan], text: str) -> list[PersonalDataSpan]:
    """Join name spans separated only by spaces: 「岡田 拓也」 is one 〈氏名〉."""
    out: list[PersonalDataSpan] = []
    for s in found:
        prev = out[-1] if out else None
        if (prev is not None and prev.type == "name" and s.type == "name"
                and all(c in _SPACE for c in text[prev.end:s.start])):
            out[-1] = PersonalDataSpan("name", prev.start, s.end)
        else:
            out.append(s)
    return out


@functools.lru_cache(maxsize=4)
def _default_ner():
    from mvvtext.text._ginza import load_ginza

    return load_ginza(need_ner=True, need_parser=False)


def find_personal_data(
    text: str,
    *,
    names: bool = True,
    employee_id_pattern: str | None = DEFAULT_EMPLOYEE_ID_PATTERN,
    nlp: Any = None,
    use_ner: bool = False,
    exclude_names: Iterable[str] = (),
    dictionary_names: bool = True,
    morphemes: Any = None,
    addresses: bool = True,
) -> list[PersonalDataSpan]:
    """Find personal data in ``text``.

    Parameters
    ----------
    text : str
        The text, best already passed through :func:`normalize` (offsets
        refer to ``text`` exactly as given).
    names : bool, default True
        Look for person names (honorific patterns, and NER when enabled).
        Variant kanji (髙 﨑 德 𠮷 澤 …) are folded to their standard form for
        the honorific patterns and the dictionary, so 「髙橋です」 is masked like
        「高橋です」.
    employee_id_pattern : str or None
        Regular expression for employee numbers; None disables it. The default
        finds 「社員番号12345」「社員No.123」「社番:A-1234」 and ``E12345``.
    nlp : spacy.Language, optional
        A loaded GiNZA pipeline with ``ner``; its ``Person`` entities are
        added to the honorific matches. Implies ``use_ner``.
    use_ner : bool, default False
        Load ``ja_ginza`` (parser disabled) and use its ``Person`` entities.
    exclude_names : iterable of str
        Extra words that take honorifics but are not names (「協力業者」...).
    dictionary_names : bool, default True
        Also mask words that SudachiPy's dictionary tags as person names, which
        finds names without an honorific (「受付：人事部 小川」「中島 千尋です」,
        e-mail signatures). Costs one SudachiPy pass over the text.
    morphemes : sudachipy.MorphemeList, optional
        A split-mode-C analysis of ``text`` by a tokenizer created from
        :func:`core_dictionary`, to reuse for ``dictionary_names`` instead of a
        second SudachiPy pass (the classifier analyses every text anyway). A
        text holding variant kanji or ヶ gets one more pass over its folded form.
    addresses : bool, default True
        Mask postal addresses down to the street number (「東京都品川区西五反田1-2-3」
        「大阪市北区梅田3丁目1番」) and postal codes after 〒 (with the address that
        follows). Place names without a number (「品川の客先」「東京都の案件」) are kept.

    Returns
    -------
    list of PersonalDataSpan
        Non-overlapping spans sorted by start.
    """
    if not isinstance(text, str) or not text:
        return []
    found: list[PersonalDataSpan] = []
    taken = bytearray(len(text))

    def add(kind: str, start: int, end: int) -> None:
        if start >= end or any(taken[start:end]):
            return
        taken[start:end] = b"\x01" * (end - start)
        found.append(PersonalDataSpan(kind, start, end))

    has_digit = _DIGIT.search(text) is not None
    # cheap guards: most answers hold no URL, address or number at all
    urls = _URL.finditer(text) if ("://" in text or "www." in text) else ()
    for m in urls:
        end = m.end()
        while end > m.start() and text[end - 1] in ".,)!?;:'":
            end -= 1
        add("url", m.start(), end)
    for m in (_EMAIL.finditer(text) if ("@" in text or "＠" in text) else ()):
        add("email", m.start(), m.end())
    if employee_id_pattern and (has_digit or employee_id_pattern != DEFAULT_EMPLOYEE_ID_PATTERN):
        for m in _compile(employee_id_pattern).finditer(text):
            add("employee_id", m.start(), m.end())
    # keyword-anchored values, each pass behind a cheap test: most texts hold none of the keywords;
    # an ID need not hold a digit (「ラインID yamada-t」), the other kinds always do
    keyed = []
    if has_digit:
        if ("口座" in text or "普通" in text or "当座" in text or "店番" in text or "支店" in text
                or "記号" in text or "貯蓄" in text or "ゆうちょ" in text):
            keyed.append(("bank_account", _BANK_ACCOUNT))
        if "個人番号" in text or "マイナンバー" in text:
            keyed.append(("my_number", _MY_NUMBER))
    if "ID" in text or "id" in text or "Id" in text or "アカウント" in text:
        keyed.append(("account_id", _ACCOUNT_ID))
    if has_digit and ("生" in text or "irthday" in text or "DOB" in text):
        keyed.append(("birth_date", _BIRTH_DATE))
    for kind, pattern in keyed:
        for m in pattern.finditer(text):
            for group, value in m.groupdict().items():
                if value is not None:
                    start, end = m.span(group)
                    while kind == "account_id" and text[end - 1] == ".":  # 「LINE IDはtaro.yamada.」
                        end -= 1
                    add(kind, start, end)
    for m in (_PHONE.finditer(text) if has_digit else ()):
        if _phone_ok(m.group()):
            start = m.start()
            if text[start] in "(（" and not any(c in m.group() for c in ")）"):
                start += 1  # 「(090-1234-5678)」: the bracket is not part of the number
            add("phone", start, m.end())
    if addresses and has_digit:
        for m in (_POSTAL.finditer(text) if "〒" in text else ()):
            add("address", m.start(), m.end())
        for m in (_ADDRESS.finditer(text) if _MUNI_SUFFIX.search(text) else ()):
            if _address_ok(m):
                add("address", m.start(), m.end())
    if names:
        extra = frozenset(exclude_names)
        if extra:
            extra |= {_fold(w) for w in extra} | {_fold(w).replace("ヶ", "ケ") for w in extra}
        exclusions = NAME_EXCLUSIONS | extra
        folded = _fold(text)  # same length as text: its offsets are text's
        for start, end in _name_spans(folded, exclusions):
            add("name", start, end)
        if nlp is not None or use_ner:
            doc = (nlp if nlp is not None else _default_ner())(text)
            for ent in doc.ents:
                if ent.label_ == "Person" and ent.text not in exclusions:
                    add("name", ent.start_char, ent.end_char)
        if dictionary_names:
            spans = _dictionary_name_spans(text, exclusions, morphemes)
            # the dictionary writes 八ケ代 and 千ケ崎 with a full-size ケ
            lookup = folded.replace("ヶ", "ケ") if "ヶ" in folded else folded
            if lookup is not text:
                spans = _union(spans + _dictionary_name_spans(lookup, exclusions))
            for start, end in spans:
                add("name", start, end)
    found.sort(key=lambda s: s.start)
    return _merge_names(found, text) if names else found


def mask_personal_data(
    text: str,
    *,
    names: bool = True,
    employee_id_pattern: str | None = DEFAULT_EMPLOYEE_ID_PATTERN,
    nlp: Any = None,
    use_ner: bool = False,
    exclude_names: Iterable[str] = (),
    dictionary_names: bool = True,
    normalize: bool = True,
    addresses: bool = True,
) -> str:
    """Replace personal data in ``text`` by placeholders.

    E-mail → 〈メール〉, phone → 〈電話〉, employee number → 〈社員番号〉,
    URL → 〈URL〉, postal address → 〈住所〉, person name → 〈氏名〉 (the honorific or title is kept:
    「山田課長」→「〈氏名〉課長」), bank account or branch number → 〈口座番号〉,
    My Number → 〈個人番号〉, LINE ID or @handle → 〈ID〉, birth date → 〈生年月日〉 (the
    keyword is kept: 「生年月日 1990年4月1日」→「生年月日 〈生年月日〉」). The original values are
    not kept anywhere.

    Parameters
    ----------
    text : str
        Raw text; None/NaN give ``""``.
    names, employee_id_pattern, nlp, use_ner, exclude_names, dictionary_names, addresses
        See :func:`find_personal_data`.
    normalize : bool, default True
        Run :func:`normalize` first (NFKC folds full-width digits such as
        「０９０－１２３４－５６７８」 so they are found).

    Returns
    -------
    str
        The (normalised) masked text.

    Examples
    --------
    >>> mask_personal_data("山田課長(090-1234-5678)に連絡")
    '〈氏名〉課長(〈電話〉)に連絡'
    """
    text = _normalize(text) if normalize else ("" if not isinstance(text, str) else text)
    spans = find_personal_data(
        text, names=names, employee_id_pattern=employee_id_pattern, nlp=nlp,
        use_ner=use_ner, exclude_names=exclude_names, dictionary_names=dictionary_names,
        addresses=addresses,
    )
    return replace_spans(text, spans)


def replace_spans(text: str, spans: list[PersonalDataSpan]) -> str:
    """``text`` with each span (sorted, non-overlapping, from :func:`find_personal_data`) replaced by its placeholder."""
    if not spans:
        return text
    parts, pos = [], 0
    for s in spans:
        parts.append(text[pos:s.start])
        parts.append(PLACEHOLDERS[s.type])
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts)
