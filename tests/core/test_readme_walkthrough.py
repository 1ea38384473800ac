"""The README's API walkthrough, run as written (bash, curl, python3) against a live server with the demo data."""

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

README = Path(__file__).resolve().parents[2] / "README.md"


def walkthrough() -> str:
    text = README.read_text()
    section = text[text.index("## An application, step by step (API)"):]
    return re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL).group(1)


def test_the_walkthrough_hard_codes_no_ids_and_needs_no_file_of_yours():
    script = walkthrough()
    assert not re.search(r"/(applications|steps|rectifications)/\d+", script)
    assert not re.search(r"@form\.pdf", script) or "> form.pdf" in script


@pytest.mark.skipif(not (shutil.which("bash") and shutil.which("curl")), reason="needs bash and curl")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_readme_walkthrough_runs_as_written_against_the_demo_data(live_server, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    result = subprocess.run(  # noqa: S603
        ["bash", "-e", "-o", "pipefail", "-c", walkthrough()],  # noqa: S607
        cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "API": f"{live_server.url}/api/v1", "HOME": str(tmp_path)},
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
    answers = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    tracking = answers[-1]
    assert tracking["status"] == "delivered"
    assert "applicant" not in tracking and "id_number" not in json.dumps(tracking)
    rectification = answers[-2]
    assert rectification["status"] == "answered"
    assert any(answer.get("status") == "approved" for answer in answers)
