"""The notes a ranking leaves in ``attrs["notes"]``, in English and Japanese.

A note is a ``str`` (its English text, as notebooks and logs show it) that also
remembers its catalogue key and parameters, so that a Japanese report can say
the same thing in Japanese (:func:`note_text`). Every note comes from
:data:`NOTES`: a new note is a new catalogue entry, never a bare string.
"""
from __future__ import annotations

NOTES: dict[str, tuple[str, str]] = {
    # key: (English, Japanese); both take the same {parameters}
    "rows_without_topic": ("{n} row(s) have no topic and are not counted under any topic",
                           "トピックのない{n}行は、どのトピックにも数えていません"),
    "rows_without_person": ("{n} row(s) have no {person}; each counted as its own voice",
                            "{person}のない{n}行は、それぞれ別の1人として数えています"),
    "no_person": ("no person column: every text counted as a separate voice",
                  "人を表す列がないため、テキスト1件を1人として数えています"),
    "no_sentiment": ("no sentiment column: negativity not computed",
                     "感情（sentiment）の列がないため、ネガティブさは計算していません"),
    "no_intent": ("no intent column: intent mix not computed",
                  "意図（intent）の列がないため、苦情率などは計算していません"),
    "no_risks": ("no risks column: risk not computed", "リスク（risks）の列がないため、リスクは計算していません"),
    "no_time": ("no time column: trend not computed", "日時の列がないため、推移は計算していません"),
    "time_not_found": ("no time column: trend not computed ('{time}' not found)",
                       "日時の列「{time}」が見つからないため、推移は計算していません"),
    "no_timestamps": ("column '{time}' has no timestamps: trend not computed",
                      "列「{time}」に日時がないため、推移は計算していません"),
    "rows_without_time": ("{n} row(s) without a time are left out of the trend",
                          "日時のない{n}行は推移の計算から除いています"),
    "one_period": ("only one period of data: trend not computed",
                   "データが1期間分しかないため、推移は計算していません"),
    "short_trend": ("only {periods} periods of data: trend compares the last {recent} period(s) "
                    "with the {base} before them",
                    "データが{periods}期間分のため、直近{recent}期間をその前の{base}期間と比べています"),
    "empty_periods_skipped": ("{n} period(s) without any text skipped in the trend (e.g. between survey waves)",
                              "テキストが1件もない{n}期間（アンケートの実施回の間など）は推移の計算から除いています"),
    "empty_trend_window": ("a trend window holds no texts: trend not computed",
                           "比較する期間にテキストがないため、推移は計算していません"),
    "no_outcome": ("no outcome column: outcome link not computed",
                   "成果指標（早期離職など）の列がないため、成果との関連は計算していません"),
    "rows_without_outcome": ("{people} person(s) have no '{column}' and are excluded from the outcome link "
                             "({n} row(s) with a missing '{column}')",
                             "「{column}」が空の{people}人（{n}行）は、成果との関連の計算から除いています"),
    "topics_left_out": ("not ranked: {topics} ({n} text(s) about none of the listed topics); "
                        "exclude_topics=() ranks them too",
                        "「その他」など（{topics}、{n}件）は、どの課題トピックにも当たらないためランキングに含めていません"),
    "no_topics": ("no topics found: nothing to rank", "トピックが見つからないため、ランキングはありません"),
    "no_masked_text": ("no text_masked column: no quotes (raw text is never quoted)",
                       "マスキング済みテキスト（text_masked）がないため、引用はしていません（元の文章は引用しません）"),
    "cells_hidden": ("{n} cell(s) hidden: fewer than {min_people} people, "
                     "or hidden so that small cells cannot be recovered from totals",
                     "{n}個のセルを秘匿：{min_people}人未満か、合計から小さいセルを復元できないようにするための補完秘匿"),
    "segments_hidden": ("segments with fewer than {min_people} people hidden: {segments}",
                        "{min_people}人未満のため秘匿した区分：{segments}"),
    "segment_totals_hidden": ("totals of {segments} hidden so that their small cells cannot be recovered",
                              "小さいセルを合計から復元できないよう、次の区分の合計を秘匿：{segments}"),
    "no_segments": ("no segment columns: breadth not computed (name them with segments=[...]; "
                    "a pandas merge drops the segments read_voices recorded)",
                    "区分の列（拠点・部署など）が指定されていないため、広がりは計算していません"
                    "（segments=[...] で指定してください。pandas の merge は read_voices が記録した区分を引き継ぎません）"),
}


class Note(str):
    """A ranking note: its English text, plus ``key`` and ``params`` to say it in another language."""

    key: str
    params: dict

    def __new__(cls, key: str, **params) -> "Note":
        self = super().__new__(cls, NOTES[key][0].format(**params))
        self.key, self.params = key, params
        return self

    def __reduce__(self):  # copies and pickles (pandas deep-copies attrs) keep the key
        return _rebuild, (self.key, self.params)


def _rebuild(key: str, params: dict) -> Note:
    return Note(key, **params)


def note_text(note: str, language: str = "ja") -> str:
    """``note`` in ``language`` ("ja" or "en"); a plain string (not from the catalogue) is returned as it is."""
    if language == "en" or not isinstance(note, Note):
        return str(note)
    if language != "ja":
        raise ValueError(f"language must be 'ja' or 'en'. Got {language!r} instead.")
    return NOTES[note.key][1].format(**note.params)
