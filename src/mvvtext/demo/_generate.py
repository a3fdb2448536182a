"""Generate the shipped demo inquiry-desk log of the fictional 株式会社みらい技研.

Run ``python -m mvvtext.demo._generate`` to rewrite ``data/demo_inquiries.csv.gz``
and its ground truth ``data/demo_inquiries_truth.csv.gz`` (deterministic for a
seed). Everything is fictional: company, people, names, numbers and addresses.

The story the ranking should find by itself:

* pay and evaluation are raised most, mostly negatively, and the people who raise
  them leave early more often (``left_early`` is drawn from that);
* a new timesheet system goes live on 2026-10-05 (week 27): work_style inquiries
  about 勤怠 surge from then on (the truth file also tags the texts about the
  system misbehaving with environment, as labels.yaml's codebook would);
* a rare but severe harassment cluster at the 名古屋テクノセンター site.
"""
from __future__ import annotations

import argparse
import string
from pathlib import Path

import numpy as np
import pandas as pd

from mvvtext.demo import _texts as T

START = pd.Timestamp("2026-04-06")          # a Monday
WEEKS = 30                                   # through 2026-11-01
ROLLOUT = pd.Timestamp("2026-10-05")        # new timesheet system goes live (week 27 of 30)
HARASSMENT_SITE = "名古屋テクノセンター"
SITES = ["東京本社", "横浜オフィス", "厚木テクニカルセンター", HARASSMENT_SITE, "大阪支店", "広島オフィス", "福岡支店"]
SITE_P = [0.24, 0.16, 0.14, 0.15, 0.14, 0.07, 0.10]
DEPTS = ["機械設計部", "電気電子設計部", "組込ソフトウェア部", "ITインフラ部", "品質保証部", "生産技術部"]
TENURE = ["1年未満", "1〜3年", "3〜5年", "5〜10年", "10年以上"]
CLIENTS = ["東和モータース", "北斗電機", "サンライズ化学", "青葉精機", "中央重工", "ミナト電子", "大和システムズ"]
CERTS = ["基本情報技術者", "応用情報技術者", "電気主任技術者", "CAD利用技術者", "品質管理検定"]
SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田",
            "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水", "山崎", "森", "池田", "橋本",
            "阿部", "石川", "山下", "中島", "石井", "小川", "前田", "岡田", "長谷川", "藤田", "後藤", "近藤"]
GIVEN = ["翔太", "美咲", "大輔", "陽菜", "健太", "さくら", "拓也", "彩", "直樹", "由美", "悠斗", "結衣",
         "和也", "真由美", "亮", "千尋", "剛", "恵", "誠", "明日香", "浩二", "沙織", "隼人", "葵"]
ROMAJI = ["sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "yamamoto", "nakamura", "kobayashi",
          "kato", "yoshida", "yamada", "sasaki", "yamaguchi", "matsumoto", "inoue", "kimura", "hayashi",
          "saito", "shimizu", "yamazaki", "mori", "ikeda", "hashimoto", "abe", "ishikawa", "yamashita",
          "nakajima", "ishii", "ogawa", "maeda", "okada", "hasegawa", "fujita", "goto", "kondo"]
# base share of inquiries per primary topic (work_style jumps after the rollout)
TOPIC_P = {"pay": 0.17, "evaluation": 0.14, "procedures": 0.11, "benefits": 0.08, "career": 0.08,
           "client_site": 0.08, "workload": 0.08, "work_style": 0.06, "management": 0.05,
           "environment": 0.04, "health": 0.03, "relations": 0.03, "cross_dept": 0.02,
           "communication": 0.02, "harassment": 0.01}


# rollout texts about the system itself misbehaving are also environment (PC・ツール・システム)
_SYSTEM_WORDS = ("エラー", "使えません", "画面", "操作", "二重入力", "アラート", "自動で")


class _Fill(dict):
    def __missing__(self, key):  # leave unknown placeholders visible rather than crash
        return "{" + key + "}"


def _people(rng: np.random.Generator, n: int = 5000) -> pd.DataFrame:
    ids = rng.choice(np.arange(100000, 999999), n, replace=False)
    s = rng.integers(0, len(SURNAMES), n)
    return pd.DataFrame({
        "person_id": [f"MG-{i}" for i in ids], "surname_i": s, "given_i": rng.integers(0, len(GIVEN), n),
        "site": rng.choice(SITES, n, p=SITE_P), "department": rng.choice(DEPTS, n),
        "tenure_band": rng.choice(TENURE, n, p=[0.15, 0.3, 0.22, 0.2, 0.13]),
        "client": rng.choice(CLIENTS, n), "phone": [f"0{rng.choice([70, 80, 90])}-{rng.integers(1000, 9999)}-"
                                                     f"{rng.integers(1000, 9999)}" for _ in range(n)],
    })


def _details(rng: np.random.Generator, person: pd.Series, ts: pd.Timestamp) -> _Fill:
    sur, giv = SURNAMES[person.surname_i], GIVEN[person.given_i]
    month = (ts - pd.DateOffset(months=int(rng.integers(0, 2)))).month
    return _Fill(
        name=f"{sur} {giv}" if rng.random() < 0.6 else f"{sur}{giv}", surname=sur, emp=person.person_id,
        email=f"{ROMAJI[person.surname_i]}.{person.person_id[-4:]}@mirai-giken.example.com",
        phone=person.phone, site=person.site, dept=person.department, client=person.client,
        month=f"{month}月", date=f"{ts.month}月{int(rng.integers(1, 28))}日",
        hours=int(rng.choice([10, 15, 20, 30, 45])), hours2=int(rng.choice([25, 32, 38, 41, 52])),
        amount=f"{int(rng.integers(2, 40)) * 1000:,}円", amount2=f"{int(rng.choice([3, 5, 8])) * 1000:,}円",
        n=int(rng.integers(2, 6)), cert=str(rng.choice(CERTS)),
        mgr=f"{SURNAMES[int(rng.integers(0, len(SURNAMES)))]}{rng.choice(['課長', '部長', 'さん', 'マネージャー'])}",
        staff=f"人事部 {SURNAMES[int(rng.integers(0, len(SURNAMES)))]}", stamp=ts.strftime("%m/%d %H:%M"),
        staff2=f"{SURNAMES[int(rng.integers(0, len(SURNAMES)))]}さん")


def _pick(rng, items):
    return items[int(rng.integers(0, len(items)))]


def _compose(rng, channel: str, topic_key: str, bodies: list, fill: _Fill) -> str:
    body = "".join((_pick(rng, T.CONNECTORS) if i else "") + b[3] for i, b in enumerate(bodies))
    body = string.Formatter().vformat(body, (), fill)
    if channel == "email":
        subj = _pick(rng, T.EMAIL_SUBJECTS[topic_key])
        parts = [f"件名：{subj}" if rng.random() < 0.7 else f"Re: {subj}", "",
                 _pick(rng, T.EMAIL_OPENINGS), "", body, "", _pick(rng, T.EMAIL_CLOSINGS),
                 _pick(rng, T.EMAIL_SIGNATURES)]
    elif channel == "chat":
        parts = [(_pick(rng, T.CHAT_OPENINGS) + body).strip(), _pick(rng, T.CHAT_CLOSINGS)]
        return string.Formatter().vformat(" ".join(p for p in parts if p), (), fill)
    else:
        prefix = _pick(rng, T.PHONE_BODY_PREFIX)
        text = prefix + body + ("」" if prefix.endswith("「") else "")
        parts = [_pick(rng, T.PHONE_HEADERS), text, _pick(rng, T.PHONE_FOLLOWUPS)]
    return string.Formatter().vformat("\n".join(parts), (), fill).strip()


def generate(seed: int = 20260406, n_inquiries: int = 3600) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build (inquiry log, ground truth) frames. Deterministic for ``seed``."""
    rng = np.random.default_rng(seed)
    people = _people(rng)
    n_people = len(people)
    # a minority of people write to the desk, some of them several times
    activity = rng.pareto(1.6, n_people) * (rng.random(n_people) < 0.45)
    writer_p = activity / activity.sum()
    seconds = rng.integers(0, WEEKS * 7 * 86400, n_inquiries)
    stamps = np.sort(START + pd.to_timedelta(seconds, unit="s"))
    rows, truth = [], []
    raised: dict[int, set] = {}
    resign: set[int] = set()
    for k, ts in enumerate(pd.DatetimeIndex(stamps)):
        ts = ts.replace(hour=int(rng.choice(range(8, 21))))
        pi = int(rng.choice(n_people, p=writer_p))
        person = people.iloc[pi]
        p = dict(TOPIC_P)
        if ts >= ROLLOUT:
            p["work_style"] *= 4.5
        p["harassment"] *= 9.0 if person.site == HARASSMENT_SITE else 0.25
        names = list(p)
        probs = np.array([p[t] for t in names])
        primary = str(rng.choice(names, p=probs / probs.sum()))
        key = "work_style_rollout" if primary == "work_style" and ts >= ROLLOUT and rng.random() < 0.8 else primary
        chosen = [(primary, key, _pick(rng, T.BODIES[key]))]
        if rng.random() < 0.22:
            options = [t for t in T.COOCCUR[primary] if t != "harassment" or person.site == HARASSMENT_SITE]
            second = str(_pick(rng, options))
            skey = "work_style_rollout" if second == "work_style" and ts >= ROLLOUT else second
            chosen.append((second, skey, _pick(rng, T.BODIES[skey])))
        channel = str(rng.choice(["email", "chat", "phone"], p=[0.45, 0.3, 0.25]))
        text = _compose(rng, channel, key, [c[2] for c in chosen], _details(rng, person, ts))
        risks = sorted({r for c in chosen for r in c[2][2]})
        raised.setdefault(pi, set()).update(c[0] for c in chosen)
        if "resignation" in risks:
            resign.add(pi)
        rows.append({"inquiry_id": f"INQ-{k + 1:05d}", "received_at": ts.strftime("%Y-%m-%d %H:%M"),
                     "channel_detail": channel, "person_id": person.person_id, "site": person.site,
                     "department": person.department, "tenure_band": person.tenure_band, "text": text,
                     "_pi": pi})
        true_topics = [c[0] for c in chosen]
        for c in chosen:
            if c[1] == "work_style_rollout" and any(w in c[2][3] for w in _SYSTEM_WORDS):
                true_topics.insert(true_topics.index("work_style") + 1, "environment")
        truth.append({"inquiry_id": f"INQ-{k + 1:05d}", "topics": "|".join(dict.fromkeys(true_topics)),
                      "primary": primary, "intent": chosen[0][2][0],
                      "sentiment": min(c[2][1] for c in chosen), "risks": "|".join(risks)})
    # the outcome: people raising pay / evaluation (or saying they may quit) leave early more often
    left = np.zeros(n_people, dtype=int)
    for pi in range(n_people):
        t = raised.get(pi, set())
        prob = 0.07 + 0.13 * ("pay" in t) + 0.13 * ("evaluation" in t) + 0.2 * (pi in resign)
        left[pi] = int(rng.random() < prob)
    log = pd.DataFrame(rows)
    log["left_early"] = left[log.pop("_pi").to_numpy()]
    cols = ["inquiry_id", "received_at", "channel_detail", "person_id", "site", "department",
            "tenure_band", "left_early", "text"]
    return log[cols], pd.DataFrame(truth)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20260406)
    ap.add_argument("--n", type=int, default=3600)
    ap.add_argument("--out", default=str(Path(__file__).parent / "data"))
    args = ap.parse_args(argv)
    log, truth = generate(args.seed, args.n)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log.to_csv(out / "demo_inquiries.csv.gz", index=False, compression={"method": "gzip", "mtime": 0})
    truth.to_csv(out / "demo_inquiries_truth.csv.gz", index=False, compression={"method": "gzip", "mtime": 0})
    print(f"wrote {len(log)} inquiries from {log.person_id.nunique()} people to {out}")


if __name__ == "__main__":
    main()
