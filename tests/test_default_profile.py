"""The shipped default profile: complete, valid, and its risk patterns behave.

These tests read ``models/default_profile.yaml`` directly (plain YAML and
``re``), so they check the file itself rather than the loader; the loader is
exercised in one extra test when ``mvvtext.classify`` is importable.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
PROFILE_PATH = REPO / "models" / "default_profile.yaml"
SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec"
SECTIONS = {"topics": "topics", "intents": "intents", "risks": "risks", "values": "values"}

# Sentence split used by the risk matcher: an exclude cancels a match in the same sentence.
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")


@pytest.fixture(scope="module")
def profile() -> dict:
    with PROFILE_PATH.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def labels() -> dict:
    path = SPEC / "labels.yaml"
    if not path.is_file():
        pytest.skip("shared/spec/labels.yaml is not available")
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _flags(risk: dict, text: str) -> bool:
    text = unicodedata.normalize("NFKC", text)
    patterns = [re.compile(p) for p in risk["patterns"]]
    excludes = [re.compile(p) for p in risk.get("exclude", [])]
    for sentence in _SENTENCE.findall(text) or [text]:
        if any(p.search(sentence) for p in patterns) and not any(x.search(sentence) for x in excludes):
            return True
    return False


def test_top_level_keys(profile):
    assert profile["schema_version"] == 1
    for key in ("company", "mission", "vision", "values", "topics", "intents", "risks",
                "sentiment", "stopwords", "thresholds"):
        assert key in profile, key
    assert profile["thresholds"] == {"min_people_figures": 5, "min_people_quotes": 10, "emerging_z": 2.0}


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_every_contract_code_present(profile, labels, section):
    missing = set(labels[SECTIONS[section]]) - set(profile[section])
    assert not missing, f"{section} lacks {sorted(missing)}"


def test_topic_and_intent_names_follow_contract(profile, labels):
    for section in ("topics", "intents", "risks"):
        for code, spec in labels[section].items():
            assert profile[section][code]["name"] == spec["ja"], (section, code)
    for code, spec in labels["values"].items():
        assert profile["values"][code]["name"] == spec["ja"], code


def test_values_copied_from_example_profile(profile):
    path = SPEC / "example_profile.yaml"
    if not path.is_file():
        pytest.skip("shared/spec/example_profile.yaml is not available")
    example = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert profile["mission"] == example["mission"]
    assert profile["vision"] == example["vision"]
    for code, value in example["values"].items():
        for key in ("name", "statement", "behaviours"):
            assert profile["values"][code][key] == value[key], (code, key)


@pytest.mark.parametrize("section,min_examples,min_rules", [
    ("topics", 30, 5), ("intents", 30, 5), ("values", 25, 5)])
def test_examples_and_rules_counts(profile, section, min_examples, min_rules):
    for code, body in profile[section].items():
        assert body.get("description") or body.get("statement"), code
        assert len(body["examples"]) >= min_examples, f"{section}.{code}: {len(body['examples'])} examples"
        assert min_rules <= len(body["rules"]) <= 15, f"{section}.{code}: {len(body['rules'])} rules"
        assert all(isinstance(r, str) and r.strip() for r in body["rules"]), code


def test_no_duplicated_examples(profile):
    seen = Counter()
    for section in ("topics", "intents", "values", "risks"):
        for body in profile[section].values():
            seen.update(unicodedata.normalize("NFKC", e).strip() for e in body["examples"])
    dups = [t for t, n in seen.items() if n > 1]
    assert not dups, dups[:5]


def test_examples_are_realistic_lengths(profile):
    for code, body in profile["topics"].items():
        lengths = [len(e) for e in body["examples"]]
        assert min(lengths) >= 4 and max(lengths) <= 200, code
        if code != "other":
            assert max(lengths) - min(lengths) >= 25, f"{code}: examples all of one length"


def test_every_regex_compiles(profile):
    for code, risk in profile["risks"].items():
        assert len(risk["patterns"]) >= 5, code
        assert len(risk["examples"]) >= 15, code
        for pattern in risk["patterns"] + risk.get("exclude", []):
            re.compile(pattern)


@pytest.mark.parametrize("code", ["resignation", "harassment", "health", "legal"])
def test_risk_patterns_flag_their_examples(profile, code):
    risk = profile["risks"][code]
    missed = [e for e in risk["examples"] if not _flags(risk, e)]
    assert not missed, missed


# Sentences each risk must NOT flag (false friends its `exclude` or narrow patterns handle).
NOT_FLAGGED = {
    "resignation": [
        "辞めたいと思ったことは一度もありません。",
        "転職は考えていません。今の現場が気に入っています。",
        "健康のためにタバコをやめたいです。",
        "紙の申請はやめてほしいです。",
        "退職金の制度について教えてください。",
        "中途で転職してきて3年目になります。",
        "退職した先輩の業務を引き継ぎました。",
        "次の仕事の段取りを考えています。",
        "この定例会議はやめませんか。",
        "今日は18時に退社します。",
        "この会社で働く意味を改めて感じた一年でした。",
        "4月から子会社に移ることになりました。",
        "グループ会社に移る手続きを教えてください。",
        "別の会社で経験を積んでから入社しました。",
        "みんなでこの会社を変えていこう。",
        "独立したモジュールに分けて設計しました。",
        "紙の仕事をやめて、申請を電子化しました。",
        "退職金の計算方法について教えてください。",
    ],
    "harassment": [
        "ハラスメント防止研修を受講しました。",
        "パワハラ研修の日程を教えてください。",
        "製品の差別化が今期の課題です。",
        "間違えて送信しました。無視してください。",
        "夏のバカンスの計画を立てています。",
        "ハラスメント相談窓口が新設されました。",
        "ハラスメントの相談は匿名でもできますか？",
        "パワハラのような場面は、今の職場では見たことがありません。",
        "「頭が悪いので」と謙遜していましたが、彼の設計はいつも見事です。",
        "会議の感想文を書かされました。",
    ],
    "health": [
        "境界値テストの設計を担当しています。",
        "限界利益の計算方法を教えてください。",
        "センサーの限界値を確認してください。",
        "倉庫の棚が倒れたので固定してほしいです。",
        "怪我の功名で、新しい手順が見つかりました。",
        "メンタルヘルス研修の日程を教えてください。",
        "健康診断の予約をしました。",
        "朝起きられないときのために目覚ましを二つ使っています。",
        "ドラマの最終回で泣いてしまいました。",
        "限界突破をテーマにした社内コンテストを開催します。",
        "以前は眠れない日もありましたが、今はよく眠れています。",
        "発売日が待ち遠しくて眠れないくらい楽しみです。",
        "死ぬほど笑った一日でした。",
        "検証用のサーバーが落ちたので再起動します。",
        "メモリ使用量が限界に近いのでログを消します。",
        "ダイエットで3キロ痩せました！",
        "荷物を減らして、出張のかばんが2キロ軽くなりました。",
    ],
    "legal": [
        "サービス残業はなくなりました。",
        "残業代はきちんと支払われています。",
        "違法駐輪への注意のお願いです。",
        "契約更新の手続きについて教えてください。",
        "残業代の計算方法を教えてください。",
        "運転免許の更新で休みをいただきます。",
        "見積もりの水増しはしていません、と客先に説明しました。",
        "社会保険の扶養の手続きについて教えてください。",
        "労働基準法の改正について学ぶ勉強会を開きます。",
        "36協定の内容について研修で学びました。",
        "有給の残日数を教えてください。",
        "配属前に研修があると聞きました。",
    ],
}

# Sentences each risk MUST flag although they are not among the profile's examples.
FLAGGED = {
    "resignation": ["もう辞めようかと思っています。", "契約更新はしない予定です。", "退職を考え始めました。",
                    "退職の手続きについて教えてください。", "このままなら他社を考えます。",
                    "次の仕事を探し始めました。", "次の職場が決まりそうです。",
                    "年度末で一区切りをつけたいと考えています。", "最終出社日はいつにすればいいですか。",
                    "転職エージェントと面談してきました。", "もうやめよっかな",
                    "今の職場で働く意味が見えなくなりました。",
                    "一身上の都合により、今月末で退職させていただきたく存じます。",
                    "来年はフリーランスになろうと考えています。",
                    "春には会社を辞めて実家の仕事を継ぐつもりです。",
                    "評価をきちんとしてくれる会社に移ったほうがいいのではと思い始めています。",
                    "スキルアップできないなら、別の会社で経験を積むことも考えています。"],
    "harassment": ["倉庫の棚が倒れて、上司に怒鳴られました。", "セクハラを目撃しました。",
                   "パワハラの相談窓口に行ったら、上司に怒鳴られたことを話すよう言われました。",
                   "現場の先輩に肩を小突かれることがあります。", "客先の担当者に資料を投げつけられました。",
                   "復帰してから仕事を一切振られなくなりました。", "わざと聞こえるようにため息をつかれる。",
                   "時短を申請したら迷惑だと言われた", "遅刻したら反省文を書かされ、朝礼で読み上げさせられた。",
                   "リーダーの「頭悪いの？」が口癖になっている。", "飲み会を断ったら、仕事を回してもらえなくなった。",
                   "会議で「おじさんは黙っててください」と言われた。"],
    "health": ["倉庫の棚が倒れて足を怪我しました。", "不眠が続いています。", "死にたいと思うことがあります。",
               "夜勤のあと運転していると意識が飛びそうになる。", "会議中に一瞬気を失いかけました。",
               "ストレスで円形脱毛ができました。", "月曜の朝はどうしても布団から起き上がれない。",
               "3徹目で頭が回らない", "目の前がチカチカする", "このまま線路に飛び込んだら楽かな",
               "不安で寝付けない夜が続く", "自分がいなくなっても誰も困らない", "気力がもう残っていません",
               "この2か月で体重が8キロ落ちました。"],
    "legal": ["偽装請負の疑いがあります。", "労働基準監督署に相談しました。", "残業代が支払われていない月があります。",
              "リーダーが出張費を水増し請求している。", "部長が会社のカードを私的に流用しているようです。",
              "社会保険に入れてもらえません。", "半年たっても雇用保険に加入していないと言われました。",
              "先月分の給料がまだ振り込まれていません。", "雇用契約書をもらっていないまま働いています。",
              "有給を取ったら査定を下げると言われた。",
              "入社から3か月、保険証がまだ届いていません。", "備品代の名目で毎月給与から引かれています。",
              "遅刻1回につき罰金として千円引かれます。", "ケガをしたのに労災は使わせないと言われた。",
              "36協定ってうちの現場で結ばれているんですか？",
              "客先に「派遣さんに有給はないよ」と言われた。", "着任前に客先で面接のような顔合わせがありました。",
              "出張の日当が規定より少なく支払われています。"],
}


@pytest.mark.parametrize("code", sorted(NOT_FLAGGED))
def test_risk_false_friends_not_flagged(profile, code):
    risk = profile["risks"][code]
    wrong = [t for t in NOT_FLAGGED[code] if _flags(risk, t)]
    assert not wrong, wrong


@pytest.mark.parametrize("code", sorted(FLAGGED))
def test_risk_unseen_cases_flagged(profile, code):
    risk = profile["risks"][code]
    missed = [t for t in FLAGGED[code] if not _flags(risk, t)]
    assert not missed, missed


def test_risk_examples_rarely_cross_flag_topic_examples(profile):
    """Praise / question examples of topics without risk should mostly stay unflagged."""
    texts = profile["intents"]["praise"]["examples"] + profile["intents"]["question"]["examples"]
    flagged = [t for t in texts if any(_flags(r, t) for r in profile["risks"].values())]
    assert len(flagged) <= 0.15 * len(texts), flagged


def test_sentiment_lexicon(profile):
    senti = profile["sentiment"]
    assert len(senti["positive"]) >= 60 and len(senti["negative"]) >= 60
    assert not set(senti["positive"]) & set(senti["negative"])
    for word in ("ない", "ません", "ず"):
        assert word in senti["negators"]
    for word in ("特になし", "なし", "特にありません", "N/A"):
        assert word in senti["filler"]
    assert "現状満足" not in senti["filler"]
    assert len(profile["stopwords"]) >= 30


def test_codebook_rules_parse(profile):
    rules = pytest.importorskip("mvvtext.classify._rules")
    for section in ("topics", "intents", "values"):
        for code, body in profile[section].items():
            for rule in body["rules"]:
                rules.parse_rule(rule)  # raises RuleSyntaxError on a bad rule


def test_loader_accepts_profile():
    classify = pytest.importorskip("mvvtext.classify")
    loaded = classify.load_profile(PROFILE_PATH)
    assert "other" in loaded.topics
    assert len(loaded.topics) >= 16


# Texts no pattern flags whose every sentence an exclude marks as another sense: a model's flag is halved.
EXCLUDED_THROUGHOUT = {
    "health": ["睡眠不足にならないように気をつけています。", "熱中症にならないよう、こまめに水を飲んでいます。"],
    "resignation": ["次の契約更新の際に別の案件に移りたいと考えています。", "他の現場に移りたいです。"],
    "legal": ["通勤手当が今月の給与明細に入っていないようです。", "定期代が反映されていません。"],
}
# ... and texts where one sentence (or a word in it) keeps the model's flag.
NOT_EXCLUDED_THROUGHOUT = {
    "health": ["睡眠不足にならないように気をつけています。それでも最近は朝がつらいです。"],
    "resignation": ["更新はしないで、他の現場に移りたいです。", "転職も考えつつ、別の案件に移りたいです。"],
    "legal": ["交通費が何か月も反映されていません。", "通勤手当がずっと振り込まれていません。"],
}


@pytest.mark.parametrize("code", sorted(EXCLUDED_THROUGHOUT))
def test_excludes_cover_texts_with_the_risk_words_in_another_sense(code):
    classify = pytest.importorskip("mvvtext.classify")
    from mvvtext.classify._lexicon import RiskPatterns

    patterns = RiskPatterns(classify.load_profile(PROFILE_PATH))
    for text in EXCLUDED_THROUGHOUT[code]:
        assert code not in patterns.match(text) and patterns.excluded_throughout(text, code), text
    for text in NOT_EXCLUDED_THROUGHOUT[code]:
        assert patterns.excluded_throughout(text, code) is None, text


SURVEY_PATH = REPO / "models" / "training" / "survey.jsonl"


def test_survey_training_file_is_valid(labels):
    import json

    if not SURVEY_PATH.is_file():
        pytest.skip("models/training/survey.jsonl is not written yet")
    topics, intents = set(labels["topics"]), set(labels["intents"])
    risks, values = set(labels["risks"]), set(labels["values"])
    ids, texts = set(), set()
    lines = SURVEY_PATH.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 400
    for n, line in enumerate(lines, 1):
        row = json.loads(line)
        assert set(row) == {"id", "channel", "text", "topics", "primary", "intent",
                            "sentiment", "risks", "values"}, n
        assert row["id"] not in ids and row["text"] not in texts, n
        ids.add(row["id"]); texts.add(row["text"])
        assert row["channel"] in ("survey", "post"), n
        assert 1 <= len(row["topics"]) <= 3 and set(row["topics"]) <= topics, n
        assert row["primary"] in row["topics"], n
        assert row["intent"] in intents, n
        assert isinstance(row["sentiment"], int) and -2 <= row["sentiment"] <= 2, n
        assert set(row["risks"]) <= risks and set(row["values"]) <= values, n
    rows = [json.loads(line) for line in lines]
    assert {t for r in rows for t in r["topics"]} == topics
    assert {r["intent"] for r in rows} == intents
    assert {x for r in rows for x in r["risks"]} == risks
