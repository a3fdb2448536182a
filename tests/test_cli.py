"""The command line: help, exit codes, one-line errors without tracebacks."""
import subprocess
import sys

import pytest

from mvvtext.cli import build_parser, main


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "mvvtext.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_help_lists_commands():
    out = run_cli("--help")
    assert out.returncode == 0
    for cmd in ("analyze", "train", "evaluate", "tag-export", "tag-import"):
        assert cmd in out.stdout


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out


def test_missing_file_is_input_error_without_traceback(tmp_path):
    out = run_cli("analyze", str(tmp_path / "nope.csv"))
    assert out.returncode == 2
    assert "no such file" in out.stderr
    assert "Traceback" not in out.stderr


def test_wrong_text_column_names_columns(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("本文,部署\n給料が低い,開発\n", encoding="cp932")
    out = run_cli("analyze", str(path))
    assert out.returncode == 2
    assert "本文" in out.stderr and "--text-col" not in out.stdout
    assert "Traceback" not in out.stderr


def test_debug_shows_traceback(tmp_path):
    out = run_cli("--debug", "analyze", str(tmp_path / "nope.csv"))
    assert out.returncode != 0
    assert "Traceback" in out.stderr


@pytest.mark.parametrize("cmd", ["analyze", "train", "evaluate", "tag-export", "tag-import"])
def test_each_command_has_help(cmd):
    parser = build_parser()
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args([cmd, "--help"])
    assert exit_info.value.code == 0


def test_demo_passes_n_jobs(monkeypatch, tmp_path):
    import mvvtext.demo as demo

    seen = {}
    monkeypatch.setattr(demo, "run_demo", lambda out, verbose=True, **kw: seen.update(out=out, **kw))
    assert main(["demo", "--out", str(tmp_path), "--n-jobs", "2"]) == 0
    assert seen == {"out": str(tmp_path), "n_jobs": 2}


def test_train_reports_the_labelled_weights(monkeypatch, tmp_path, capsys):
    import pandas as pd

    import mvvtext.classify as classify

    rows = [{"text": f"{t}（{i}）", "intent": intent} for i in range(20)
            for t, intent in (("給料が低いです", "complaint"), ("賞与はいつですか", "question"))]
    model = classify.VoiceClassifier("tests/data/mini_profile.yaml", embedder=None,
                                     use_default_examples="profile").fit(pd.DataFrame(rows))
    monkeypatch.setattr(classify, "train", lambda *a, **k: model)
    pd.DataFrame(rows).to_json(tmp_path / "l.jsonl", orient="records", lines=True, force_ascii=False)
    assert main(["train", str(tmp_path / "l.jsonl"), "--out", str(tmp_path / "m")]) == 0
    out = capsys.readouterr().out
    assert f"labelled rows weighted {model.labelled_weight_:.3g} against" in out
    assert "intent: labelled-row weight chosen by cross-validation" in out and (tmp_path / "m").is_dir()


def test_exit_codes_follow_the_readme():
    from mvvtext.exceptions import (InputError, ModelMismatchError, ModelNotFoundError, ProfileError, StoreError,
                                    exit_code)
    from mvvtext.store._lock import StoreLockedError

    assert exit_code(InputError("bad")) == 2 and exit_code(ProfileError("bad")) == 2
    assert exit_code(FileNotFoundError("x")) == 2
    assert exit_code(StoreLockedError("locked")) == 3 and exit_code(StoreError("corrupt")) == 1
    assert exit_code(ModelMismatchError("other profile")) == 4 and exit_code(ModelNotFoundError("none")) == 4
    assert exit_code(RuntimeError("bug")) == 1


def test_stderr_stays_at_warning_when_a_log_file_lowers_the_mvvtext_logger():
    code = ("import logging; from mvvtext.cli import main; main([]); "
            "logging.getLogger('mvvtext').setLevel(logging.INFO); "  # what score --log-file does
            "logging.getLogger('mvvtext.io').info('INFO-LINE'); logging.getLogger('mvvtext.io').warning('WARN-LINE')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "WARN-LINE" in out.stderr and "INFO-LINE" not in out.stderr


def test_train_on_a_missing_file_is_a_clear_input_error(tmp_path, capsys):
    assert main(["train", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "nope.jsonl: no such file" in err and "unexpected" not in err
