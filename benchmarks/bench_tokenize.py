"""Benchmark the mvvtext Japanese text layer against raw SudachiPy.

Measures, on synthetic survey-length answers (30-120 chars, generated here,
not taken from any data set):

1. raw SudachiPy, split mode C, reading ``normalized_form()`` and
   ``part_of_speech()`` of every morpheme (the anchor, chars/s), and the same
   split over 2 forked processes (how far this machine's cores scale in this
   run: the ceiling for any ``n_jobs=2`` figure);
2. ``mvvtext.text.Tokenizer.content_words`` in one process (ratio vs raw);
3. ``iter_process`` with ``n_jobs=2``, tokenising only and with masking;
4. peak resident memory of streaming N short texts through ``iter_process``
   (each in a fresh child process, so the figures are independent).

Usage::

    PYTHONPATH=src python benchmarks/bench_tokenize.py            # 100,000 texts
    PYTHONPATH=src python benchmarks/bench_tokenize.py --n 5000 --stream 20000 100000
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time

SUBJECTS = [
    "給与", "給料", "賞与", "評価制度", "人事評価", "上司の対応", "部長の説明", "残業", "休日出勤", "有給休暇",
    "職場の雰囲気", "研修制度", "福利厚生", "在宅勤務", "会議", "業務量", "キャリアの見通し", "設備", "社内システム",
    "情報共有", "部署間の連携", "打合せ", "打ち合わせ", "お給料", "通勤手当", "人員配置", "新人教育", "経営方針",
    "目標設定", "休憩スペース", "ﾊﾟｿｺﾝ", "ｼｽﾃﾑの動作", "健康診断", "育児休業", "シフト", "勤怠管理", "異動の希望",
]
PREDICATES = [
    "が低いと感じます", "が多すぎます", "が分かりにくい", "を改善してほしい", "に不満があります", "に満足しています",
    "が良くない", "が取りづらい状況です", "について説明がほしい", "が不公平だと思う", "は特に問題ありません",
    "がもっと柔軟になると嬉しい", "が遅くて困っている", "を見直してもらいたい", "が明確になってきた",
    "が以前より良くなった", "がなかなか進まない", "の負担が大きい", "に関して相談しづらい", "は整っていると思う",
]
OPENERS = ["", "", "正直なところ、", "最近、", "以前から", "個人的には", "チームとしては", "現場では", "今年度は",
           "入社してから", "特に", "全体的に"]
CLOSERS = ["。", "。", "。", "！", "と思います。", "のでご検討ください。", "気がします。", "ので不安です。", "。よろしくお願いします。"]
FILLERS = ["特になし", "特にありません", "なし", "とくになし。"]


def make_texts(n: int, seed: int = 0) -> list[str]:
    """``n`` varied survey answers of 30-120 characters (about 3% filler)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        if rng.random() < 0.03:
            out.append(rng.choice(FILLERS))
            continue
        target = rng.randint(30, 120)
        parts = []
        while sum(map(len, parts)) < target:
            parts.append(rng.choice(OPENERS) + rng.choice(SUBJECTS) + rng.choice(PREDICATES) + rng.choice(CLOSERS))
            if rng.random() < 0.1:
                parts.append(f"連絡は0{rng.randint(70, 90)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}まで。")
        text = "".join(parts)
        out.append(text[:120] if len(text) > 120 else text)
    return out


def bench_raw(texts: list[str]) -> float:
    from sudachipy import Dictionary

    tok = Dictionary().create(mode="C")
    t0 = time.perf_counter()
    for t in texts:
        for m in tok.tokenize(t):
            m.normalized_form()
            m.part_of_speech()
    return time.perf_counter() - t0


_SHARED: list[str] = []  # the texts, inherited by forked children (nothing is sent to them)


def _raw_share(part: tuple[int, int]) -> None:
    from sudachipy import Dictionary

    tok = Dictionary().create(mode="C")
    for t in _SHARED[part[0]::part[1]]:
        for m in tok.tokenize(t):
            m.normalized_form()
            m.part_of_speech()


def bench_raw_parallel(texts: list[str], processes: int = 2) -> float:
    """Raw SudachiPy split over forked processes: what the cores themselves scale to (the n_jobs ceiling)."""
    import multiprocessing as mp

    global _SHARED
    _SHARED = texts
    ctx = mp.get_context("fork")
    t0 = time.perf_counter()
    with ctx.Pool(processes) as pool:
        pool.map(_raw_share, [(i, processes) for i in range(processes)])
    return time.perf_counter() - t0


def bench_tokenizer(texts: list[str], cache_size: int) -> float:
    from mvvtext.text import Tokenizer

    tok = Tokenizer(cache_size=cache_size)
    tok.content_words("準備")  # build the dictionary outside the timing, like the raw anchor
    t0 = time.perf_counter()
    for t in texts:
        tok.content_words(t)
    return time.perf_counter() - t0


def bench_iter(texts: list[str], n_jobs: int, mask: bool) -> float:
    from mvvtext.text import iter_process

    t0 = time.perf_counter()
    n = 0
    for _ in iter_process(texts, n_jobs=n_jobs, mask=mask, chunksize=2000):
        n += 1
    assert n == len(texts)
    return time.perf_counter() - t0


def stream_child(n: int) -> None:
    """Stream ``n`` texts generated lazily through iter_process; print JSON figures."""
    from mvvtext.text import iter_process

    base = make_texts(5000, seed=1)

    def gen():
        for i in range(n):
            yield base[i % len(base)] + str(i)  # distinct texts: the LRU cannot short-cut them

    t0 = time.perf_counter()
    count = tokens = 0
    for r in iter_process(gen(), n_jobs=1, mask=True, chunksize=2000):
        count += 1
        tokens += len(r.tokens)
    dt = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"n": n, "count": count, "tokens": tokens, "seconds": dt, "maxrss_mb": rss_mb}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="texts for the speed runs (default 100000)")
    ap.add_argument("--stream", type=int, nargs="*", default=[100_000, 1_000_000],
                    help="sizes for the streaming memory runs (default 100000 1000000); none to skip")
    ap.add_argument("--repeat", type=int, default=2,
                    help="rounds of the speed runs; the best time of each is reported (default 2)")
    ap.add_argument("--stream-child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stream_child:
        stream_child(args.stream_child)
        return

    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  cpus: {os.cpu_count()}  "
          f"load average at start: {os.getloadavg()}")
    texts = make_texts(args.n)
    chars = sum(map(len, texts))
    print(f"texts: {len(texts):,}  chars: {chars:,}  mean length: {chars / len(texts):.1f}")

    runs = {
        "raw SudachiPy mode C (normalized_form + part_of_speech)": lambda: bench_raw(texts),
        "raw SudachiPy in 2 forked processes (hardware scaling)": lambda: bench_raw_parallel(texts, 2),
        "mvvtext Tokenizer.content_words, 1 process, cache_size=0": lambda: bench_tokenizer(texts, 0),
        "mvvtext Tokenizer.content_words, 1 process, default LRU": lambda: bench_tokenizer(texts, 10000),
        "iter_process n_jobs=1, mask=False": lambda: bench_iter(texts, 1, False),
        "iter_process n_jobs=2, mask=False": lambda: bench_iter(texts, 2, False),
        "iter_process n_jobs=1, mask=True": lambda: bench_iter(texts, 1, True),
        "iter_process n_jobs=2, mask=True": lambda: bench_iter(texts, 2, True),
    }
    best = {name: float("inf") for name in runs}
    for r in range(args.repeat):  # rounds interleave the runs, so a load spike hits one round of each
        for name, fn in runs.items():
            best[name] = min(best[name], fn())
        print(f"round {r + 1}/{args.repeat} done, load average {os.getloadavg()}")
    raw = best[next(iter(runs))]
    for name, dt in best.items():
        print(f"{name:58s} {dt:7.2f} s  {chars / dt:12,.0f} chars/s  {raw / dt:5.2f}x raw")
    par = raw / best["raw SudachiPy in 2 forked processes (hardware scaling)"]
    mine = raw / best["iter_process n_jobs=2, mask=False"]
    print(f"iter_process n_jobs=2 (tokenise only) reaches {mine / par:.0%} of the cores' own scaling "
          f"({mine:.2f}x raw of {par:.2f}x)")
    print(f"load average at end: {os.getloadavg()}")

    for n in args.stream or []:
        res = subprocess.run([sys.executable, __file__, "--stream-child", str(n)], capture_output=True,
                             text=True, check=True, env=os.environ.copy())
        fig = json.loads(res.stdout.strip().splitlines()[-1])
        print(f"streaming {fig['n']:>9,} texts (mask+tokenise, n_jobs=1): {fig['seconds']:7.1f} s  "
              f"peak RSS {fig['maxrss_mb']:7.1f} MB  ({fig['count']:,} results, {fig['tokens']:,} tokens)")


if __name__ == "__main__":
    main()
