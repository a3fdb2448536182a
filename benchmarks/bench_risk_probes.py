"""Risk recall on self-authored phrasings that are not in the profile's examples.

    HF_HUB_OFFLINE=1 PYTHONPATH=src python benchmarks/bench_risk_probes.py [--profile PROFILE.yaml]
        [--probes FILE.json ...] [--no-builtin]

Built in: forty short texts, ten a risk code, written for this check (not
taken from any dataset). Then each probe file: by default the two in
``benchmarks/data`` (a tuning set the 2026-12-03 patterns were written
against, and a held-out set that was never read for its misses), or the
files given with ``--probes``: JSON
``{"positive": {code: [texts]}, "negative": [texts]}``: positives are texts
that carry that risk, negatives texts with risk-looking words and no risk
(「限界値テスト」). For each probe set it prints how many positives the
profile's risk patterns flag alone and how many the default classifier flags
(patterns united with the supervised risk head), with USE and without
embeddings, per code, and how many negatives get any flag. A missed
resignation or health signal is the worst error mvvtext can make, so this is
a recall check on wording the patterns were not written from. The texts a
held-out file's runs miss or flag falsely are not printed unless asked
(``--show-heldout``), so that reading them cannot tune the patterns.
"""
from __future__ import annotations

import sys
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent / "data"

PROBES = {
    "resignation": ["他社の面接を受けています。", "内定をもらったので、来月で退職します。", "次の仕事を探し始めました。",
                    "退職届を出そうと思います。", "転職エージェントに登録しました。", "今月いっぱいで辞めることにしました。",
                    "契約更新はせずに終わりにしたいです。", "この会社にいる意味が分からなくなってきた。",
                    "もう続けていける自信がありません。", "派遣の仕事自体をやめて地元に帰るつもりです。"],
    "health": ["胃が痛くて毎朝吐きそうになります。", "朝起きられなくなりました。", "休みの日も仕事のことが頭から離れません。",
               "薬を飲まないと眠れません。", "円形脱毛症になりました。", "会社に行こうとすると涙が止まりません。",
               "過労で倒れて救急車で運ばれました。", "最近、何をしても楽しくない。", "手の震えが止まらない。",
               "頭がぼーっとして集中できない日が続いています。"],
    "harassment": ["上司から暴言を吐かれています。", "客先の社員に胸ぐらをつかまれました。", "リーダーに頭を叩かれました。",
                   "チームで自分だけ仲間外れにされています。", "飲み会でしつこく体を触られました。",
                   "みんなの前で土下座させられました。", "物を投げつけられたことがあります。", "毎日のように陰口を言われています。",
                   "「使えない」「給料泥棒」と言われ続けています。", "舌打ちされて書類を投げ返されました。"],
    "legal": ["給料が振り込まれていません。", "社会保険に入れてもらえません。", "雇用契約書をもらっていません。",
              "休憩なしで12時間働かされています。", "労災は使うなと言われました。", "深夜手当がついていません。",
              "試用期間だからと最低賃金以下です。", "有給を使うと評価を下げると言われました。", "交通費を自腹で払わされています。",
              "時給が契約より低く計算されています。"],
}


def load_probes(path) -> tuple[dict, list]:
    """The positives by code and the negatives of a probe file."""
    import json

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {code: list(texts) for code, texts in data.get("positive", {}).items()}, list(data.get("negative", []))


def report(name: str, flag, positives: dict, negatives: list, show: bool = True) -> None:
    """Print recall per code over ``positives`` and the flagged share of ``negatives`` (``show``: and the misses)."""
    found, missed, per_code = 0, [], []
    for code, texts in positives.items():
        flagged = flag(texts)
        hits = sum(code in flags for flags in flagged)
        found += hits
        per_code.append(f"{code} {hits}/{len(texts)}")
        missed.extend(f"{code}: {t}" for t, flags in zip(texts, flagged) if code not in flags)
    total = sum(map(len, positives.values()))
    line = f"{name:36s} recall {found}/{total} = {found / max(total, 1):.3f} ({', '.join(per_code)})"
    false = [(t, flags) for t, flags in zip(negatives, flag(negatives)) if flags] if negatives else []
    if negatives:
        line += f"; negatives flagged {len(false)}/{len(negatives)}"
    print(line)
    if not show:
        return
    for m in missed:
        print(f"    missed {m}")
    for t, flags in false:
        print(f"    false {','.join(flags)}: {t}")


def main(argv=None) -> int:
    import argparse
    import time

    from mvvtext.classify import default_model, load_profile
    from mvvtext.classify._lexicon import RiskPatterns
    from mvvtext.text import normalize

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--profile", default=None, help="profile YAML (default: the shipped one)")
    p.add_argument("--probes", action="append", default=None,
                   help="a probe JSON file (repeatable; default: benchmarks/data/risk_probes_*.json)")
    p.add_argument("--no-builtin", action="store_true", help="skip the forty built-in probes")
    p.add_argument("--show-heldout", action="store_true",
                   help="print the missed and falsely flagged texts of held-out files too (a file named *heldout*)")
    args = p.parse_args(argv)
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  profile: {args.profile or 'default'}")
    sets = [] if args.no_builtin else [("built-in", PROBES, [])]
    paths = args.probes if args.probes is not None else sorted(map(str, SHIPPED.glob("risk_probes_*.json")))
    sets += [(path, *load_probes(path)) for path in paths]
    profile = load_profile(args.profile)
    patterns = RiskPatterns(profile)
    runs = {"risk patterns alone": lambda texts: [patterns.match(normalize(t)) for t in texts]}
    for name, embedder in (("default classifier, USE", "use"), ("default classifier, no embeddings", None)):
        model = default_model(profile, embedder=embedder)
        runs[name] = lambda texts, m=model: list(m.predict(texts)["risks"]) if texts else []
    for set_name, positives, negatives in sets:
        print(f"\n## {set_name}")
        show = args.show_heldout or "heldout" not in Path(set_name).name
        for name, flag in runs.items():
            report(name, flag, positives, negatives, show=show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
