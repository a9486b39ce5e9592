"""`make demo`: numbered progress lines and a package that builds without warnings."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_demo_prints_one_numbered_line_per_step_before_running_it(tmp_path):
    # A stand-in interpreter that logs each manage.py command instead of running it.
    log = tmp_path / "commands.log"
    fake_python = tmp_path / "python"
    # The worker stand-in outlives the server's, so that the demo, which stops both processes as
    # soon as one exits, has let the server's command run before it stops the worker.
    fake_python.write_text(
        f'#!/bin/sh\necho "RUN $*" >> {log}\necho "RUN $*"\n'
        'case "$*" in *db_worker*) sleep 2;; esac\n'
    )
    fake_python.chmod(0o755)

    result = subprocess.run(
        ["bash", "scripts/demo.sh", str(fake_python), "echo RUN install"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    lines = result.stdout.splitlines()
    steps = [line for line in lines if re.match(r"\[\d/\d\] ", line)]
    assert [line[:5] for line in steps] == [f"[{n}/7]" for n in range(1, 8)], result.stdout
    # Each step's line comes before the commands of that step.
    order = [line.split()[0] if line.startswith("[") else line for line in lines]
    assert order.index("[1/7]") < lines.index("RUN install") < order.index("[2/7]")
    assert order.index("[3/7]") < lines.index("RUN manage.py import_territories")
    assert lines.index("RUN manage.py import_territories") < order.index("[4/7]")
    commands = log.read_text().splitlines()
    assert "RUN manage.py runserver 127.0.0.1:8000" in commands
    assert "RUN manage.py setup_demo_survey" in commands


def test_demo_stops_at_the_first_failing_step(tmp_path):
    fake_python = tmp_path / "python"
    fake_python.write_text('#!/bin/sh\ncase "$*" in *import_territories*) exit 3;; esac\n')
    fake_python.chmod(0o755)

    result = subprocess.run(
        ["bash", "scripts/demo.sh", str(fake_python), "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 3
    assert "[3/7]" in result.stdout
    assert "[4/7]" not in result.stdout


def test_package_metadata_builds_without_warnings(tmp_path):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "MIT"  # an SPDX expression, not a table
    assert "setuptools>=77" in pyproject["build-system"]["requires"]

    code = (
        "from setuptools import build_meta; "
        f"build_meta.prepare_metadata_for_build_wheel({str(tmp_path)!r})"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )

    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr
