"""The shipped demo inquiry-desk log of the fictional 株式会社みらい技研, and a one-call demo."""
from mvvtext.demo._demo import DemoResult, load_demo, load_demo_truth, run_demo

__all__ = ["load_demo", "load_demo_truth", "run_demo", "DemoResult"]
