"""History store for weekly batch scoring: idempotent runs, re-scoring, weekly report, alerts.

Nothing heavy is imported here: DuckDB, matplotlib and the classifier load when a
run or a report needs them.
"""
from mvvtext.store._dist import score_partitions
from mvvtext.store._lock import StoreLockedError
from mvvtext.store._rescore import rescore
from mvvtext.store._runs import RunSummary, score_into_store
from mvvtext.store._scoring import PRECOMPUTED
from mvvtext.store._store import Store
from mvvtext.store._weekly import weekly_report, write_alerts

__all__ = ["Store", "StoreLockedError", "RunSummary", "score_into_store", "rescore", "PRECOMPUTED",
           "weekly_report", "write_alerts", "score_partitions"]
