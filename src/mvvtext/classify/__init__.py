"""Classification: company profile, codebook rules, zero-shot and supervised models, analyze/train/evaluate."""
from mvvtext.classify._api import analyze, default_model, evaluate, format_evaluation, train
from mvvtext.classify._profile import (
    Label,
    Profile,
    RiskDef,
    SentimentLexicon,
    Thresholds,
    default_profile_path,
    load_profile,
)
from mvvtext.classify._rules import RuleClassifier, RuleSyntaxError, parse_rule
from mvvtext.classify._supervised import SupervisedClassifier
from mvvtext.classify._voice import VoiceClassifier
from mvvtext.classify._zeroshot import ZeroShotClassifier

__all__ = [
    "load_profile",
    "default_profile_path",
    "Profile",
    "Label",
    "RiskDef",
    "SentimentLexicon",
    "Thresholds",
    "RuleClassifier",
    "RuleSyntaxError",
    "parse_rule",
    "ZeroShotClassifier",
    "SupervisedClassifier",
    "VoiceClassifier",
    "analyze",
    "train",
    "evaluate",
    "format_evaluation",
    "default_model",
]
