"""Match an export against the history: which rows are stored, and which stored rows it corrects."""
from __future__ import annotations

import json
from typing import Any, Sequence

import numpy as np
import pandas as pd

def _metadata_updates(voices: pd.DataFrame, seen: pd.DataFrame, segments: Sequence[str],
                      horizon: pd.Timestamp) -> pd.DataFrame:
    """The already scored rows whose export corrects their date, channel, segments or person.

    A correction is a non-blank cell that differs from the stored value; a blank
    cell, or a column the export does not have, never erases what the store holds
    (a partial re-export changes nothing), and a date after ``horizon`` (a wrong
    year) never replaces a stored one. Segment values merge into the stored ones,
    so a run with fewer segment columns keeps the others.

    Parameters
    ----------
    voices : DataFrame
        The export's voices, in the order of ``seen``.
    seen : DataFrame
        :func:`_classify_incoming`'s answer for ``voices``.
    segments : sequence of str
        The run's segment columns.
    horizon : Timestamp
        Latest plausible date (the run's time plus ``FUTURE_DAYS``).

    Returns
    -------
    DataFrame
        One row per corrected row: ``id``, ``content_hash``, the values to store
        (``timestamp``, ``channel``, ``segments`` as JSON) and the booleans
        ``date``, ``channel_changed``, ``segments_changed``, ``person_changed``.
    """
    cols = ["id", "content_hash", "timestamp", "channel", "segments", "person_key", "date", "channel_changed",
            "segments_changed", "person_changed"]
    mask = seen["seen"].to_numpy(bool)
    if not mask.any():
        return pd.DataFrame(columns=cols)
    rows, old = voices.loc[mask], seen.loc[mask]
    new_ts = pd.to_datetime(rows["timestamp"]).astype("datetime64[us]").to_numpy()
    old_ts = pd.to_datetime(old["stored_ts"]).astype("datetime64[us]").to_numpy()
    latest_ok = pd.Timestamp(horizon).to_datetime64().astype("datetime64[us]")
    date = ~np.isnat(new_ts) & (new_ts <= latest_ok) & (np.isnat(old_ts) | (new_ts != old_ts))
    new_ch = [None if pd.isna(v) else str(v) for v in rows["channel"].astype(object)]
    old_ch = [None if v is None or pd.isna(v) else str(v) for v in old["stored_channel"].astype(object)]
    channel = np.array([n is not None and n != o for n, o in zip(new_ch, old_ch)], dtype=bool)
    old_seg = [v if isinstance(v, str) and v else "{}" for v in old["stored_segments"]]
    seg = old_seg.copy()
    seg_changed = np.zeros(len(rows), dtype=bool)
    if segments:
        for i, values in enumerate(rows[list(segments)].itertuples(index=False)):
            given = {s: str(v) for s, v in zip(segments, values) if not pd.isna(v)}
            if not given:
                continue
            have = json.loads(old_seg[i])
            if any(have.get(k) != v for k, v in given.items()):
                seg[i], seg_changed[i] = json.dumps({**have, **given}, ensure_ascii=False), True
    old_person = [None if v is None or pd.isna(v) else str(v) for v in old["stored_person"].astype(object)]
    new_person = ([v if isinstance(v, str) else None for v in rows["person_key"]] if "person_key" in rows
                  else [None] * len(rows))
    person = np.array([n is not None and n != o for n, o in zip(new_person, old_person)], dtype=bool)
    changed = date | channel | seg_changed | person
    out = pd.DataFrame({
        "id": rows["id"].astype(str).to_numpy(), "content_hash": rows["content_hash"].to_numpy(),
        "timestamp": np.where(date, new_ts, old_ts), "channel": np.where(channel, new_ch, old_ch),
        "segments": seg, "person_key": np.where(person, new_person, old_person), "date": date,
        "channel_changed": channel, "segments_changed": seg_changed, "person_changed": person})
    return out.loc[changed, cols].reset_index(drop=True)


def _apply_updates(con: Any, updates: pd.DataFrame) -> None:
    """Store corrected dates, channels and segments of already scored rows (one UPDATE)."""
    import pyarrow as pa

    table = pa.table({
        "id": pa.array(updates["id"].tolist(), pa.string()),
        "content_hash": pa.array(updates["content_hash"].tolist(), pa.string()),
        "timestamp": pa.array(pd.to_datetime(updates["timestamp"]).astype("datetime64[us]"), pa.timestamp("us")),
        "channel": pa.array(updates["channel"].tolist(), pa.string()),
        "segments": pa.array(updates["segments"].tolist(), pa.string()),
        "person_key": pa.array([None if v is None or pd.isna(v) else str(v) for v in updates["person_key"]],
                               pa.string()),
    })
    con.register("_mvv_updates", table)
    con.execute("""UPDATE voices SET "timestamp" = u."timestamp", channel = u.channel, segments = u.segments,
                          person_key = u.person_key
                   FROM _mvv_updates u WHERE voices.id = u.id AND voices.content_hash = u.content_hash""")
    con.unregister("_mvv_updates")


def _classify_incoming(con: Any, voices: pd.DataFrame) -> pd.DataFrame:
    """One set-based join of the export's (id, content_hash) against the history.

    Returns one row per export row (``pos`` order): ``seen``, ``maxrev`` (the id's
    highest stored revision, 0 for a new id) and, for a seen row, its stored
    ``stored_ts``, ``stored_channel``, ``stored_segments`` and ``stored_person``.
    """
    incoming = pd.DataFrame({"pos": range(len(voices)), "id": voices["id"].astype(str).to_numpy(),
                             "content_hash": voices["content_hash"].to_numpy()})
    con.register("_mvv_incoming", incoming)
    seen = con.execute(
        """SELECT i.pos, v.id IS NOT NULL AS seen, coalesce(m.maxrev, 0) AS maxrev,
                  v."timestamp" AS stored_ts, v.channel AS stored_channel, v.segments AS stored_segments,
                  v.person_key AS stored_person
           FROM _mvv_incoming i
           LEFT JOIN voices v ON v.id = i.id AND v.content_hash = i.content_hash
           LEFT JOIN (SELECT id, max(revision) AS maxrev FROM voices
                      WHERE id IN (SELECT id FROM _mvv_incoming) GROUP BY id) m ON m.id = i.id
           ORDER BY i.pos""").df()
    con.unregister("_mvv_incoming")
    return seen
