"""Report charts as base64 PNG strings (matplotlib, Agg backend, Japanese font via matplotlib-fontja)."""
from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_EMERGING = "#d9480f"
_RISK = "#862e9c"
_BASE = "#1c7ed6"

#: Japanese names of the priority components (legend of the priority chart, weights in the HTML).
COMPONENT_JA = {"volume": "件数", "negativity": "ネガティブさ", "intent": "苦情・要望の多さ", "risk": "リスク",
                "trend": "急増", "breadth": "広がり", "outcome": "成果指標との関連", "improvement": "改善度"}


def _plt():
    """pyplot on the Agg backend with a Japanese font, imported on first use."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401  (registers IPAexGothic and makes it the default)

    plt.rcParams["axes.unicode_minus"] = False
    return plt


def to_png(fig: "Figure") -> str:
    """Encode a figure as a base64 PNG and close it."""
    plt = _plt()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _label(row: pd.Series) -> str:
    return f"{row['label']}" if row.get("label") and row["label"] != row["topic"] else str(row["topic"])


def _flag(v) -> bool:
    """True only for a real True (a hidden ``emerging`` is ``<NA>``, which counts as not shown)."""
    return isinstance(v, (bool, np.bool_)) and bool(v)


def _emerging(ranking: pd.DataFrame) -> np.ndarray:
    """Boolean array of ``emerging`` per ranking row, hidden (``<NA>``) and absent as False."""
    if "emerging" not in ranking:
        return np.zeros(len(ranking), dtype=bool)
    return ranking["emerging"].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _hidden(ranking: pd.DataFrame) -> np.ndarray:
    """Boolean array: the row's figures are hidden (``suppressed == "figures+quotes"``)."""
    if "suppressed" not in ranking:
        return np.zeros(len(ranking), dtype=bool)
    return (ranking["suppressed"] == "figures+quotes").to_numpy(dtype=bool)


def priority_bars(ranking: pd.DataFrame, top: int = 15) -> str:
    """Horizontal bars of priority, stacked by weighted component, top topics first."""
    plt = _plt()
    r = ranking.head(top).iloc[::-1]
    weights = ranking.attrs.get("weights", {})
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(r) + 1.2))
    left = np.zeros(len(r))
    hidden = _hidden(r)
    colors = plt.get_cmap("tab10").colors
    for i, (name, w) in enumerate(weights.items()):
        col = f"c_{name}"
        if col not in r:
            continue
        seg = np.where(hidden, 0.0, 100 * r[col].fillna(0).to_numpy() * w)
        ax.barh(np.arange(len(r)), seg, left=left, color=colors[i % 10], label=COMPONENT_JA.get(name, name), height=0.7)
        left += seg
    if hidden.any():  # small groups: the score only, its components are hidden
        ys = np.flatnonzero(hidden)
        pr = r["priority"].fillna(0).to_numpy(dtype=float)[ys]
        ax.barh(ys, pr, color="#e9ecef", hatch="///", edgecolor="#adb5bd", linewidth=0, height=0.7,
                label="内訳秘匿（小集団）")
        left[ys] = pr
    ax.set_yticks(np.arange(len(r)))
    ax.set_yticklabels([f"{_label(x)}" + (" ▲" if _flag(x.get("emerging")) else "") for _, x in r.iterrows()])
    for y, (_, x) in enumerate(r.iterrows()):
        ax.text(left[y] + 0.8, y, f"{x['priority']:.0f}", va="center", fontsize=9)
    ax.set_xlabel("優先度スコア（要素別の寄与）")
    ax.set_xlim(0, max(left.max() * 1.12, 10))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)  # never over a bar
    ax.spines[["top", "right"]].set_visible(False)
    return to_png(fig)


def trend_series(period_table: pd.DataFrame, ranking: pd.DataFrame, top: int = 6
                 ) -> tuple[pd.DataFrame, list[str]]:
    """The lines of the trend chart: texts per period, hidden cells as NaN gaps.

    Parameters
    ----------
    period_table : DataFrame
        ``breakdown(by="period")`` (topics × periods plus ``total``), hidden cells NaN;
        its ``attrs["suppressed"]``, when present, marks them.
    ranking : DataFrame
        The ranking: its top ``top`` topics and every emerging topic are candidates.
    top : int
        Top topics considered.

    Returns
    -------
    (DataFrame, list of str)
        Topics × periods of floats, visible cells at their true value and hidden
        cells NaN (never 0), one row per drawable topic in ranking order; and the
        candidate topics left out because none of their non-empty cells is shown
        (every count hidden) or because their row in the ranking hides its figures.
    """
    cand = list(ranking["topic"].head(top))
    cand += [t for t in ranking.loc[_emerging(ranking), "topic"] if t not in cand]
    hidden_rows = set(ranking.loc[_hidden(ranking), "topic"])
    data = period_table.drop(columns=["total"], errors="ignore").astype(float)
    sup = period_table.attrs.get("suppressed")
    if sup is not None:
        mask = sup.reindex(index=data.index, columns=data.columns, fill_value=True).to_numpy(dtype=bool)
        data = data.mask(mask)
    keep, left_out = [], []
    for t in cand:
        if t not in data.index:
            continue
        row = data.loc[t]
        if t in hidden_rows or not (row.fillna(0) > 0).any():
            left_out.append(t)
        else:
            keep.append(t)
    return data.loc[keep], left_out


def trend_lines(period_table: pd.DataFrame, ranking: pd.DataFrame, top: int = 6) -> str | None:
    """Texts per period for the top and emerging topics (hidden cells left as gaps).

    Topics with no visible non-empty cell are left out (see :func:`trend_series`);
    None when no topic is left to draw.
    """
    data, _ = trend_series(period_table, ranking, top)
    if len(data) == 0:
        return None
    plt = _plt()
    labels = dict(zip(ranking["topic"], ranking.get("label", ranking["topic"])))
    emerging = set(ranking.loc[_emerging(ranking), "topic"])
    fig, ax = plt.subplots(figsize=(9, 4))
    x = np.arange(data.shape[1])
    for t in data.index:
        is_em = t in emerging
        ax.plot(x, data.loc[t].to_numpy(dtype=float), marker="o", markersize=3,
                linewidth=2.6 if is_em else 1.2, alpha=1.0 if is_em else 0.75, label=labels.get(t, t) + (" ▲急増" if is_em else ""))
    step = max(1, len(x) // 10)
    ax.set_xticks(x[::step])
    ax.set_xticklabels([str(c).split("/")[0] for c in data.columns[::step]], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("件数 / 期間")
    ax.legend(fontsize=8, ncol=3, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(alpha=0.3)
    return to_png(fig)


def priority_matrix(ranking: pd.DataFrame) -> str:
    """Bubble chart: negativity × volume, bubble = people, colour = priority, risk topics outlined.

    Topics whose figures are hidden (``suppressed == "figures+quotes"``) are not drawn.
    """
    plt = _plt()
    r = ranking.loc[~_hidden(ranking)]                     # small groups: no point to plot
    r = r.dropna(subset=["negative_share"]) if "negative_share" in r else r.iloc[:0]
    fig, ax = plt.subplots(figsize=(8, 5.5))
    if len(r):
        size = 30 + 1200 * r["people"] / max(r["people"].max(), 1)
        risky = r.get("risk_texts", pd.Series(0, index=r.index)).fillna(0) > 0
        sc = ax.scatter(r["negative_share"], 100 * r["share"], s=size, c=r["priority"], cmap="YlOrRd",
                        edgecolors=np.where(risky, _RISK, "#495057"), linewidths=np.where(risky, 2.2, 0.8),
                        alpha=0.85)
        fig.colorbar(sc, ax=ax, label="優先度")
        texts = []
        xmid = (r["negative_share"].min() + r["negative_share"].max()) / 2
        for (_, x), sz in zip(r.iterrows(), size):
            right = x["negative_share"] > xmid + 0.35 * (r["negative_share"].max() - xmid)
            off = np.sqrt(sz) / 2 + 3  # bubble radius in points, plus a gap
            texts.append(ax.annotate(_label(x), (x["negative_share"], 100 * x["share"]), fontsize=8,
                                     xytext=(-off if right else off, 0), textcoords="offset points",
                                     ha="right" if right else "left", va="center",
                                     bbox={"boxstyle": "round,pad=0.1", "fc": "white", "alpha": 0.75, "lw": 0}))
        _nudge(ax, texts)
        lo, hi = r["negative_share"].min(), r["negative_share"].max()
        pad = max(0.05, 0.08 * (hi - lo))
        ax.set_xlim(lo - pad, hi + pad)
        ax.axvline(r["negative_share"].median(), color="#adb5bd", linestyle="--", linewidth=0.8)
        ax.axhline(100 * r["share"].median(), color="#adb5bd", linestyle="--", linewidth=0.8)
    ax.set_xlabel("ネガティブな声の割合")
    ax.set_ylabel("声を上げた人の割合 (%)")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.spines[["top", "right"]].set_visible(False)
    return to_png(fig)


def _nudge(ax, texts, pad: float = 1.0) -> None:
    """Move overlapping labels apart vertically (deterministic, bottom-up)."""
    fig = ax.figure
    fig.canvas.draw()
    placed: list = []
    for t in sorted(texts, key=lambda t: t.get_window_extent().y0):
        bb = t.get_window_extent()
        shift = 0.0
        for _ in range(len(placed) + 1):
            hit = [o for o in placed if bb.x1 > o.x0 and bb.x0 < o.x1
                   and bb.y0 + shift < o.y1 + pad and bb.y1 + shift > o.y0 - pad]
            if not hit:
                break
            shift = max(o.y1 for o in hit) + pad - bb.y0
        if shift:
            x, y = t.get_position()
            t.set_position((x, y + shift * 72 / fig.dpi))
            fig.canvas.draw()
            bb = t.get_window_extent()
        placed.append(bb)


def cs_matrix(ranking: pd.DataFrame) -> str | None:
    """Importance × satisfaction (CS portfolio) scatter, when survey items were given."""
    if "cs_importance" not in ranking or ranking["cs_importance"].notna().sum() < 2:
        return None
    plt = _plt()
    r = ranking.dropna(subset=["cs_importance", "cs_satisfaction"])
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.scatter(r["cs_satisfaction"], r["cs_importance"], s=60, c=r["cs_improvement_index"], cmap="coolwarm")
    for _, x in r.iterrows():
        ax.annotate(_label(x), (x["cs_satisfaction"], x["cs_importance"]), fontsize=8, xytext=(5, 3),
                    textcoords="offset points")
    ax.axvline(r["cs_satisfaction"].mean(), color="#adb5bd", linestyle="--")
    ax.axhline(r["cs_importance"].mean(), color="#adb5bd", linestyle="--")
    ax.set_xlabel("満足度（平均）")
    ax.set_ylabel("重要度（総合満足度との相関）")
    ax.set_title("CSポートフォリオ：左上が重点改善領域", fontsize=10)
    return to_png(fig)


def heatmap(table: pd.DataFrame, title: str) -> str:
    """Topic × segment heat map; suppressed cells shown hatched grey.

    Cells print as percentages when the breakdown's measure is a share
    (``table.attrs["measure"]``), else as counts.
    """
    plt = _plt()
    data = table.drop(columns=["total"], errors="ignore")
    sup = table.attrs.get("suppressed")
    sup = sup.drop(columns=["total"], errors="ignore").to_numpy() if sup is not None else np.zeros(data.shape, bool)
    vals = data.to_numpy(dtype=float)
    measure = table.attrs.get("measure")
    as_share = measure in ("people_share", "negative_share") if measure else bool(np.nanmax(vals, initial=0) <= 1)
    fig, ax = plt.subplots(figsize=(1.1 * data.shape[1] + 3, 0.38 * data.shape[0] + 1.5))
    ax.imshow(np.ma.masked_invalid(vals), cmap="Blues", aspect="auto")
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            if sup[i, j]:
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="#e9ecef", hatch="///",
                                           edgecolor="#adb5bd", linewidth=0))
                ax.text(j, i, "秘匿", ha="center", va="center", fontsize=7, color="#495057")
            elif np.isfinite(vals[i, j]):
                v = vals[i, j]
                txt = f"{v:.0%}" if as_share else (f"{v:.2f}" if measure == "mean_sentiment" else f"{v:.0f}")
                ax.text(j, i, txt, ha="center", va="center", fontsize=7,
                        color="white" if v > 0.6 * np.nanmax(vals) else "black")
    ax.set_xticks(np.arange(data.shape[1]))
    ax.set_xticklabels([str(c) for c in data.columns], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(np.arange(data.shape[0]))
    ax.set_yticklabels([str(i) for i in data.index], fontsize=8)
    ax.set_title(title, fontsize=10)
    return to_png(fig)
