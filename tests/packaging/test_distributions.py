"""The wheel and the sdist, built as a packager would and installed as a user would.

The wheel must put only `inkship` (and its dist-info) into site-packages and run the demo from a
fresh virtual environment outside the checkout; the sdist must carry what is needed to run the tests."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from inkship import __version__

ROOT = Path(__file__).resolve().parents[2]
GENERIC_NAMES = ("connector", "simulators", "scenarios")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    # No isolation: the test environment already has the build backend, and CI stays offline-friendly.
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    wheel = next(out.glob("inkship-*.whl"))
    sdist = next(out.glob("inkship-*.tar.gz"))
    return {"wheel": wheel, "sdist": sdist}


def test_wheel_holds_only_the_inkship_namespace(dists: dict[str, Path]) -> None:
    names = zipfile.ZipFile(dists["wheel"]).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"inkship", f"inkship-{__version__}.dist-info"}
    for needed in ("inkship/__init__.py", "inkship/__main__.py", "inkship/py.typed",
                   "inkship/connector/cli.py", "inkship/simulators/shipstation/app.py",
                   "inkship/scenarios/schema.json", "inkship/scenarios/happy_path.yaml",
                   "inkship/connector/customstore/schema/export.xsd", "inkship/demo/story.py"):
        assert needed in names, needed


def test_sdist_carries_tests_docs_and_benchmarks(dists: dict[str, Path]) -> None:
    prefix = f"inkship-{__version__}/"
    with tarfile.open(dists["sdist"]) as archive:
        names = {name.removeprefix(prefix) for name in archive.getnames()}
    for needed in ("tox.ini", "setup.py", "pyproject.toml", "README.md", "CHANGELOG.md",
                   "tests/conftest.py", "tests/packaging/test_distributions.py", "docs/architecture.md",
                   "benchmarks/sync_1000.py", "scenarios/happy_path.yaml", "scenarios/schema.json"):
        assert needed in names, needed
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)


def test_wheel_installs_outside_the_checkout_and_runs_the_demo(
        dists: dict[str, Path], tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    # No pip inside the new environment (ensurepip is the slowest step): ours installs into it. Nor
    # bytecode compiled ahead for every dependency: the demo compiles what it imports.
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    clean_env = {key: value for key, value in os.environ.items()
                 if key not in ("PYTHONPATH", "VIRTUAL_ENV") and not key.startswith("INKSHIP_")}
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--disable-pip-version-check", "--no-compile", str(dists["wheel"])], check=True,
                   cwd=tmp_path, env=clean_env, capture_output=True, text=True)
    site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, cwd=tmp_path, env=clean_env, capture_output=True, text=True).stdout.strip())
    assert (site / "inkship" / "__init__.py").is_file()
    for generic in GENERIC_NAMES:
        assert not (site / generic).exists(), f"{generic} landed in site-packages"
    demo = subprocess.run([str(env_dir / "bin" / "inkship"), "demo"], cwd=tmp_path, env=clean_env,
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "exactly once" in demo.stdout
    version = subprocess.run([str(python), "-m", "inkship", "--version"], cwd=tmp_path, env=clean_env,
                             capture_output=True, text=True, check=True)
    assert __version__ in version.stdout
