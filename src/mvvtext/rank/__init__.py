"""Issue ranking: priority, trends, outcome link, suppression, quotes, breakdowns."""
from mvvtext.rank._breakdown import breakdown
from mvvtext.rank._cli import run_rank_command
from mvvtext.rank._quotes import quotes
from mvvtext.rank._rank import DEFAULT_INTENT_WEIGHTS, DEFAULT_WEIGHTS, rank_issues

__all__ = ["rank_issues", "breakdown", "quotes", "run_rank_command", "DEFAULT_WEIGHTS",
           "DEFAULT_INTENT_WEIGHTS"]
