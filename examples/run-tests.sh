#!/usr/bin/env bash
# The example's tests, as a user runs them: build inkship's wheel, install it with the example's test
# requirements in a fresh virtual environment outside the checkout, copy the example there, run pytest.
# Usage: examples/run-tests.sh [pytest args]   (PYTHON=... picks the interpreter that builds and runs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
example=shipstation_shipper

if [ -n "${PYTHON:-}" ]; then
    python_bin=$PYTHON
elif [ -x "$root/.venv/bin/python" ]; then
    python_bin=$root/.venv/bin/python  # `./run test` made it: it has the build backend, no download
else
    python_bin=$(command -v python3.11 || command -v python3)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/inkship-example.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Build without isolation when this interpreter has the backend (fast, offline); else pip fetches it.
build_flags=()
if "$python_bin" -c 'import setuptools, sys; sys.exit(int(setuptools.__version__.split(".")[0]) < 77)' \
        2>/dev/null; then
    build_flags=(--no-build-isolation)
fi
"$python_bin" -m pip wheel --quiet --disable-pip-version-check --no-deps "${build_flags[@]}" \
    -w "$work/dist" "$root" > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }

# No pip inside the new environment (ensurepip is the slowest step): the builder's pip installs into it,
# without compiling every dependency ahead (the tests compile what they import).
"$python_bin" -m venv --without-pip "$work/venv"
"$python_bin" -m pip --python "$work/venv/bin/python" install --quiet --disable-pip-version-check \
    --no-compile "$work"/dist/inkship-*.whl -r "$root/examples/$example/requirements-test.txt"

cp -R "$root/examples/$example" "$work/$example"
cd "$work/$example"
# The test kit must come from the installed wheel, never from the checkout.
"$work/venv/bin/python" - "$root" <<'PY'
import sys
from pathlib import Path

import inkship.testing

where = Path(inkship.testing.__file__).resolve()
assert "site-packages" in where.parts and Path(sys.argv[1]) not in where.parents, where
PY
"$work/venv/bin/python" -m pytest -p no:cacheprovider "$@"
