"""``dcr-harness run`` on several scenarios (issue 19): folders, -j N worker processes,
--matrix, the combined junit.xml and index.html, the worst outcome as exit code."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from harness.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "scenarios" / "broken"


def test_broken_folder_with_two_jobs_meets_every_expectation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's command: `run scenarios/broken/ -j 2 --check-expectation` exits 0."""
    code = main(["run", str(BROKEN), "-j", "2", "--check-expectation", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    files = sorted(BROKEN.glob("*.yaml"))
    assert code == 0, out
    # one plain line per scenario as it finishes (no TTY here), then the table and the totals
    lines = [line for line in out.splitlines() if line.startswith("PASS   ")]
    assert len(lines) == len(files) and all("as expected: failed at" in line for line in lines)
    assert f"{len(files)} scenario runs (judged by their expectations): {len(files)} passed, 0 failed" in out
    # each scenario's own reports, exactly those of a single run, in its subfolder
    for f in files:
        sub = tmp_path / f.stem
        assert {p.name for p in sub.iterdir()} >= {"report.json", "report.html", "junit.xml"}
        assert json.loads((sub / "report.json").read_text())["scenario_file"] == str(f)
    # the combined JUnit: one suite per scenario, judged by its expectation (green)
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert len(root.findall("testsuite")) == len(files)
    assert root.get("failures") == "0" and root.get("errors") == "0" and int(root.get("skipped", "0")) > 0
    assert int(root.get("tests", "0")) == sum(len(s.findall("testcase")) for s in root.findall("testsuite"))
    index = (tmp_path / "index.html").read_text()
    for f in files:
        assert f'href="{f.stem}/report.html"' in index


def test_without_check_expectation_the_broken_ones_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    two = [str(BROKEN / "keycloak-wrong-secret.yaml"), str(ROOT / "scenarios" / "keycloak.yaml")]
    code = main(["run", *two, "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "FAIL   " in out and "PASS   " in out and "failed at token-request" in out
    root = ET.parse(tmp_path / "junit.xml").getroot()
    failed = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
    assert failed == ["token-request"]
    # the files' common folder is scenarios/: subfolders keep the rest of the path
    assert (tmp_path / "broken" / "keycloak-wrong-secret" / "report.html").is_file()
    assert (tmp_path / "keycloak" / "report.html").is_file()


def test_bad_input_is_exit_2_and_the_other_scenarios_still_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    shutil.copy(ROOT / "scenarios" / "keycloak.yaml", suite / "good.yaml")
    (suite / "bad.yaml").write_text("name: typo\napi: {name: A}\npolicy: {name: P}\ncatalogue: {name: C}\nclinet: {}\n")
    (suite / "notes.yaml").write_text("title: not a scenario\n")
    code = main(["run", str(suite), "-j", "2", "--report-dir", str(tmp_path / "r")])
    out = capsys.readouterr().out
    assert code == 2, out
    assert "ERROR  " in out and "unknown field 'clinet'" in out and "PASS   " in out
    assert "notes.yaml" not in out
    root = ET.parse(tmp_path / "r" / "junit.xml").getroot()
    assert root.get("errors") == "1" and root.get("failures") == "0"


def test_the_gluu_versions_as_a_matrix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(ROOT / "scenarios" / "gluu.yaml"), "--matrix", "gluu-version=4.2,4.4",
                 "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "[gluu-version=4.2]" in out and "[gluu-version=4.4]" in out
    for version in ("4.2", "4.4"):
        report = json.loads((tmp_path / f"gluu-version-{version}" / "gluu" / "report.json").read_text())
        assert report["idp"]["version"] == version


def test_gluu_version_on_a_single_run_keeps_its_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(ROOT / "scenarios" / "gluu.yaml"), "--gluu-version", "4.4", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[0].startswith("Scenario 'Gluu guide' (") and "All 14 steps passed." in out
    assert json.loads((tmp_path / "report.json").read_text())["idp"]["version"] == "4.4"
    assert not (tmp_path / "index.html").exists()


def test_idp_version_where_it_does_not_apply_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # an external IdP's version is whatever runs there: the option names itself in the error
    code = main(["run", str(ROOT / "scenarios" / "keycloak.yaml"), "--idp", "http://127.0.0.1:9/",
                 "--idp-version", "26.5.6", "--report-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "--idp-version does not apply to the external launcher" in err and "keycloak-dist" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv, message", [
    (["-j", "0"], "the number of jobs is at least 1"),
    (["--matrix", "colour=red"], "is not KEY=V1,V2"),
    (["--gateway", "bogus-gw"], "--gateway 'bogus-gw' is not a launcher"),
])
def test_bad_suite_flags_are_exit_2(argv: list[str], message: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(BROKEN), *argv, "--report-dir", str(tmp_path)])
    assert code == 2
    assert message in capsys.readouterr().err


def test_a_task_whose_worker_ended_without_an_answer_is_not_waited_for(tmp_path: Path) -> None:
    """A worker that exits (code 0) after taking a task but without sending its outcome (e.g. the
    result could not be pickled) must not leave the suite waiting forever."""
    from types import SimpleNamespace

    from harness.cli.run_suite import Task, _reap
    from harness.scenario.suite import RunOptions

    tasks = [Task(index=i, file=f"s{i}.yaml", options=RunOptions(), label="", report_dir=tmp_path,
                  report_subdir=f"s{i}", check_expectation=False) for i in range(2)]
    worker = SimpleNamespace(pid=4242, exitcode=0, is_alive=lambda: False)
    outcomes: dict[int, Any] = {}
    running = {0: 4242}

    def done(task: Task, outcome: Any) -> None:
        outcomes[task.index] = outcome

    _reap([worker], running, {t.index: t for t in tasks}, done, outcomes, tasks)
    assert set(outcomes) == {0, 1} and running == {}
    assert "without sending the outcome" in outcomes[0].error
    assert outcomes[1].error == "not run: every worker process ended"
