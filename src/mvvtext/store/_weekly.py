"""The weekly report (self-contained HTML or xlsx) and the machine-readable alerts."""
from __future__ import annotations

import base64
import io
import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.io import excel_writer
from mvvtext.store._aggregate import (BASELINE_WEEKS, EMERGING_MIN_COUNT, EMERGING_Z, MIN_PEOPLE_FIGURES,
                                      MIN_PEOPLE_QUOTES, WeeklyData, collect, week_start)
from mvvtext.store._store import FUTURE_DAYS, Store

logger = logging.getLogger(__name__)


def _topic_label(code: str) -> str:
    try:
        from mvvtext.rank._labels import topic_label
    except ImportError:
        return code
    return topic_label(code)


def alerts_dict(data: WeeklyData) -> dict[str, Any]:
    """The alerts summary a scheduler reads: emerging topics and risk-flagged texts."""
    return {
        "period": data.period,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "n_voices": data.n_period,
        "n_people": data.n_people,
        "n_empty": data.n_empty,
        "partial_week_days": data.partial_days,
        "emerging": [{"topic": r.topic, "label": _topic_label(r.topic), "count": int(r.n), "baseline": round(float(r.baseline_mean), 3),
                      "z": round(float(r.z), 3)} for r in data.emerging.itertuples()],
        "risk_texts": [_risk_alert(r) for r in data.risk_texts.itertuples()],
    }


def _risk_label(code: str) -> str:
    """Japanese name of a risk code (the code itself when the ranking layer is not importable)."""
    try:
        from mvvtext.rank._labels import RISK_JA
    except ImportError:
        return code
    return RISK_JA.get(code, code)


def _risk_alert(r: Any) -> dict[str, Any]:
    """One risk text of the alerts; a text counted in another week (backfilled, or dated far ahead)
    also names that week (``counted_in``) and why (``late``: ``backfilled`` / ``future_date``)."""
    out = {"id": str(r.id), "risks": list(r.risks), "risk_labels": [_risk_label(c) for c in r.risks],
           "timestamp": None if pd.isna(r.timestamp) else pd.Timestamp(r.timestamp).isoformat(),
           "text_masked": r.text_masked}
    late = _late(getattr(r, "late", None))
    if late:
        out.update(counted_in=str(r.counted_in), late=late)
    return out


def _late(value: Any) -> str | None:
    """``"backfilled"`` / ``"future_date"`` for a risk text counted in another week, else None."""
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def write_alerts(store: Store | str | Path, path: str | Path, period: str | None = None) -> dict[str, Any]:
    """Write ``alerts.json`` for ``period`` (default: the latest week holding dated voices) and return it."""
    store = store if isinstance(store, Store) else Store(store)
    with store.connect(write=False) as con:
        data = collect(con, period)
    alerts = alerts_dict(data)
    Path(path).write_text(json.dumps(alerts, ensure_ascii=False, indent=2), encoding="utf-8")
    return alerts


def _trend_chart(data: WeeklyData, top: int = 8) -> str:
    """Weekly counts of the top topics over the whole history, as a base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401  (Japanese glyphs in labels)

    topics = data.trends.sum().sort_values(ascending=False).index[:top]
    x = [week_start(p) for p in data.trends.index]
    fig, ax = plt.subplots(figsize=(9, 3.8), dpi=100)
    for t in topics:
        ax.plot(x, data.trends[t].to_numpy(), label=_topic_label(t), linewidth=1.4)
    ax.axvline(week_start(data.period), color="grey", linestyle=":", linewidth=1)
    ax.set_ylabel("件数 / 週")
    ax.legend(fontsize=8, ncol=2, frameon=False)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


_TEMPLATE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>週次レポート {{ d.period }}</title>
<style>
body{font-family:"Hiragino Sans","Noto Sans CJK JP","Yu Gothic",sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;font-size:.9em}
th{background:#f3f3f3}td.num{text-align:right}.emerging{background:#fff3cd}.note{color:#666;font-size:.85em}
.risk{background:#fdecea}h2{border-bottom:2px solid #446;padding-bottom:.2em}
</style></head><body>
<h1>問い合わせ窓口 週次レポート {{ d.period }}</h1>
<p>{{ d.period }} の件数: <b>{{ d.n_period }}</b>{% if d.n_people is not none %}（{{ d.n_people }}人）{% endif %}(前週 {{ d.previous }}: {{ d.n_previous }})。
ベースライン: 直前 {{ d.baseline_weeks|length }} 週({{ d.baseline_weeks[0] if d.baseline_weeks else "なし" }}
〜 {{ d.baseline_weeks[-1] if d.baseline_weeks else "" }})。モデル: {{ d.model_versions|join(", ") }}。作成: {{ generated }}</p>
{% if d.partial_days %}<p class="note"><b>集計途中の週</b>: この週は最後の実行の時点でまだ終わっておらず、{{ d.partial_days }} 日分（月曜から）の声だけを数えています。前の週との比較や推移は少なめに見えます。</p>{% endif %}
{% if d.n_empty %}<p class="note">本文が空(空白のみを含む)の行: {{ d.n_empty }} 件(ID: {{ d.empty_ids|join(", ") }}{% if d.n_empty > d.empty_ids|length %} ほか{% endif %})。
保存はしていますが、声としては数えていません(件数・トピック・区分・emerging の対象外)。</p>{% endif %}

<h2>1. 今週の課題ランキング</h2>
<table><tr><th>順位</th><th>トピック</th><th>今週</th><th>前週</th><th>ベースライン平均</th><th>z</th>
<th>否定的な割合</th><th>リスク件数</th><th>優先度</th></tr>
{% for r in issues %}<tr class="{{ 'emerging' if r.emerging else '' }}"><td class="num">{{ r.rank }}</td>
<td>{{ r.label }}</td><td class="num">{{ r.n }}</td><td class="num">{{ r.n_last_week }}</td>
<td class="num">{{ num(r.baseline_mean) }}</td><td class="num">{{ num(r.z) }}</td>
<td class="num">{{ "%.0f"|format(100 * r.share_negative) }}%</td><td class="num">{{ r.n_risk }}</td>
<td class="num">{{ "%.1f"|format(r.priority) }}</td></tr>{% endfor %}</table>
<p class="note">優先度 = 件数 × (0.5 + 否定的な割合) + 3 × リスク件数、に (1 + 0.25 × max(z, 0)) を掛けたもの。
z = (今週 − ベースライン平均) / √max(分散, 平均, 1)。{{ baseline_note }}</p>
{% for topic, qs in d.quotes.items() %}<p><b>{{ label(topic) }}</b> の声(マスク済み):</p><ul>
{% for q in qs %}<li>{{ q }}</li>{% endfor %}</ul>{% endfor %}
<p class="note">引用は今週 {{ min_quotes }} 件以上の声があり、書き手の属する区分がすべて {{ min_quotes }} 人以上のトピックからのみ。</p>

<h2>2. 新たに増えている課題(emerging)</h2>
{% if emerging %}<ul>{% for r in emerging %}<li><b>{{ r.label }}</b>: 今週 {{ r.n }} 件、ベースライン平均
{{ "%.1f"|format(r.baseline_mean) }} 件(z = {{ "%.1f"|format(r.z) }})</li>{% endfor %}</ul>
{% else %}<p>該当なし(z ≥ {{ z_min }} かつ {{ n_min }} 件以上、ベースライン 2 週以上)。</p>{% endif %}

<h2>3. 要フォローのリスク付きの声(窓口担当者向け・取扱注意)</h2>
{% if risks %}<table><tr><th>ID</th><th>日時</th><th>リスク</th><th>本文(マスク済み)</th></tr>
{% for r in risks %}<tr class="risk"><td>{{ r.id }}</td><td>{{ r.timestamp if r.timestamp == r.timestamp and r.timestamp is not none else "(日付なし)" }}{% if r.late == "backfilled" %}<br><b>遅れて届いた声</b>({{ r.counted_in }} に計上){% elif r.late == "future_date" %}<br><b>日付が実行の{{ future_days }}日より後(入力ミス?)</b>({{ r.counted_in }} に計上){% endif %}</td><td>{{ r.risks|join(", ") }}</td>
<td>{{ r.text_masked }}</td></tr>{% endfor %}</table>
{% if late_risks %}<p class="note">「遅れて届いた声」「日付が先」は別の週に計上される声のうち、前週の集計以降の実行で初めて採点された(またはリスクが変わった)もの。</p>{% endif %}
{% else %}<p>今週はありません。</p>{% endif %}

<h2>4. トピックの推移(全期間)</h2>
<img alt="週ごとのトピック件数" src="data:image/png;base64,{{ chart }}">

<h2>5. 区分別の内訳</h2>
<p class="note">{{ min_people }} 人未満のセルは「–」、{{ min_people }} 人未満の区分は合算または非表示。</p>
{% for key, table in breakdowns.items() %}<h3>{{ key }}</h3>{{ table }}{% else %}<p>区分の列がありません。</p>{% endfor %}

<h2>6. MVV(価値観)の体現</h2>
{% if values %}<table><tr><th>価値観</th><th>今週の件数</th><th>今週の割合</th><th>ベースラインの割合</th></tr>
{% for r in values %}<tr><td>{{ r.value }}</td><td class="num">{{ r.n }}</td><td class="num">{{ "%.1f"|format(100 * r.share) }}%</td>
<td class="num">{{ "%.1f"|format(100 * r.baseline_share) if r.baseline_share == r.baseline_share else "–" }}%</td></tr>{% endfor %}
</table>{% else %}<p>今週、価値観を示す声はありません。</p>{% endif %}

<h2>7. 実行履歴</h2>{{ runs }}
</body></html>
"""


def _html(data: WeeklyData) -> str:
    import jinja2

    env = jinja2.Environment(autoescape=True)
    issues = [dict(r._asdict(), label=_topic_label(r.topic)) for r in data.issues.itertuples()] if len(data.issues) else []
    emerging = [i for i in issues if i["emerging"]]
    breakdowns = {k: jinja2.utils.markupsafe.Markup(
        t.rename(columns=lambda c: _topic_label(c) if c not in ("people",) else "人数").to_html(index=False))
        for k, t in data.breakdowns.items() if len(t)}
    runs_cols = ["run_id", "kind", "status", "started_at", "n_input", "n_new", "n_revised", "n_updated",
                 "n_skipped", "n_duplicates", "n_backfilled", "n_undated", "model_version", "message"]
    runs_html = jinja2.utils.markupsafe.Markup(data.runs[[c for c in runs_cols if c in data.runs]].to_html(index=False))
    # the mvvtext.rank reference table is left out: it counted this week plus the baseline weeks,
    # suppressed other groups than section 5 and could not agree with the main table
    risks = [dict(r, late=_late(r.get("late"))) for r in data.risk_texts.to_dict("records")]
    return env.from_string(_TEMPLATE).render(
        d=data, issues=issues, emerging=emerging, risks=risks, late_risks=any(r["late"] for r in risks),
        future_days=FUTURE_DAYS,
        chart=_trend_chart(data), breakdowns=breakdowns, values=data.values.to_dict("records"),
        runs=runs_html, label=_topic_label, generated=datetime.now().isoformat(timespec="minutes"),
        min_people=MIN_PEOPLE_FIGURES, min_quotes=MIN_PEOPLE_QUOTES, z_min=EMERGING_Z, n_min=EMERGING_MIN_COUNT,
        num=_num,
        baseline_note=f"ベースラインは直前 {BASELINE_WEEKS} 週(空の週は 0 件として数える)。"
                      + ("" if data.baseline_weeks else "この週より前の記録がないため、ベースライン平均と z は「–」。"))


def _num(value: Any) -> str:
    """One decimal, or 「–」 for a figure that is not known (the first week's baseline and z)."""
    return "–" if value is None or pd.isna(value) else f"{value:.1f}"


def _xlsx(data: WeeklyData, out: Path) -> None:
    def plain(df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        for c in df.columns:
            if df[c].dtype == object and any(isinstance(v, list) for v in df[c]):
                df[c] = df[c].map(lambda v: ", ".join(v) if isinstance(v, list) else v)
        return df

    def labelled(df: pd.DataFrame) -> pd.DataFrame:
        """The Japanese topic name beside each code (「pay」 → 「給与・賞与」)."""
        if "topic" not in df.columns or "label" in df.columns:
            return df
        df = df.copy()
        df.insert(df.columns.get_loc("topic") + 1, "label", df["topic"].map(_topic_label))
        return df

    with excel_writer(out) as xw:
        pd.DataFrame({"item": ["period", "n_voices", "n_people", "previous", "n_previous", "baseline_weeks",
                               "models", "n_empty", "empty_ids"],
                      "value": [data.period, data.n_period, data.n_people, data.previous, data.n_previous,
                                ", ".join(data.baseline_weeks), ", ".join(data.model_versions), data.n_empty,
                                ", ".join(data.empty_ids)]}
                     ).to_excel(xw, sheet_name="summary", index=False)
        plain(labelled(data.issues)).to_excel(xw, sheet_name="issues", index=False)
        plain(labelled(data.emerging)).to_excel(xw, sheet_name="emerging", index=False)
        plain(data.risk_texts).to_excel(xw, sheet_name="risk_texts", index=False)
        data.trends.rename(columns=_topic_label).to_excel(xw, sheet_name="trends")
        for key, table in data.breakdowns.items():
            # numbers as numbers (SUM works); only the hidden cells are the text 「–」
            numeric = table.copy()
            for c in numeric.columns[1:]:
                numeric[c] = [int(v) if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else v
                              for v in numeric[c]]
            numeric[numeric.columns[0]] = numeric[numeric.columns[0]].astype(str)
            numeric.to_excel(xw, sheet_name=f"by_{key}"[:31], index=False)
        plain(data.values).to_excel(xw, sheet_name="values", index=False)
        plain(data.runs).to_excel(xw, sheet_name="runs", index=False)


#: report file suffixes and the format each one is written in
SUFFIXES = {".html": "html", ".htm": "html", ".xlsx": "xlsx"}


def check_out_suffix(out: str | Path, format: str | None = None) -> str:
    """The format of a report file from its suffix; InputError for another suffix, or for one
    that does not match ``format`` (a .pdf, or HTML written into .xlsx, would open as garbage)."""
    suffix = Path(out).suffix.lower()
    found = SUFFIXES.get(suffix)
    supported = ", ".join(SUFFIXES)
    if found is None:
        raise InputError(f"cannot write a report to {str(out)!r}: unsupported file type {suffix or '(none)'!r}; "
                         f"supported: {supported} (HTML or Excel; there is no PDF output: print the HTML "
                         f"from a browser).")
    if format is not None and found != format:
        raise InputError(f"--format {format} does not match the file {str(out)!r} ({found}); name the file "
                         f"with a matching suffix ({supported}).")
    return found


def weekly_report(
    store: Store | str | Path,
    period: str | None = None,
    out: str | Path = "report.html",
    format: str = "html",
    alerts_path: str | Path | None = None,
    *,
    wait: float | None = None,
) -> Path:
    """Write the weekly report of one ISO week from the store.

    Shows this week's ranked issues against last week and the trailing
    8-week baseline, emerging issues, new risk-flagged texts to follow up (masked,
    with ids), topic trends over the whole history, breakdowns by segment (cells
    under 5 people suppressed; quotes only from groups of 10 or more) and the MVV
    view (share of voices showing each value).

    Parameters
    ----------
    store : Store or path
    period : str, optional
        ISO week such as ``"2026-W47"``; default the latest week holding dated voices
        (undated rows count in their export's week; a date far after its run, such as a
        wrong year, never makes the latest week).
    out : path
        The report file.
    format : {'html', 'xlsx'}
        Self-contained HTML (chart inlined) or an Excel workbook.
    alerts_path : path, optional
        Also write the alerts JSON (period, generated_at, emerging, risk_texts).

    Returns
    -------
    Path
        ``out``.
    """
    if format not in ("html", "xlsx"):
        raise InputError(f"The 'format' parameter of weekly_report must be one of {{'html', 'xlsx'}}. "
                         f"Got {format!r} instead.")
    check_out_suffix(out, format)
    if period is not None:
        week_start(period)
    store = store if isinstance(store, Store) else Store(store)
    with store.connect(write=False, wait=wait) as con:
        data = collect(con, period)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if format == "html":
        out.write_text(_html(data), encoding="utf-8")
    else:
        _xlsx(data, out)
    if alerts_path is not None:
        Path(alerts_path).write_text(json.dumps(alerts_dict(data), ensure_ascii=False, indent=2), encoding="utf-8")
    logger.info("weekly report for %s written to %s (%d voices, %d emerging, %d risk texts)", data.period, out,
                data.n_period, len(data.emerging), len(data.risk_texts))
    return out
