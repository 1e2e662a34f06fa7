#!/usr/bin/env bash
# Checks the files `moot init` writes for hosts against the hosts' own published schemas:
# the GitHub Actions workflow (--publish github), the GitLab CI file (--publish gitlab) and
# the GitHub issue form, with check-jsonschema (PyPI, pinned), whose schemas come vendored in
# the package (no network needed). tests/newcomer.rs runs each recipe's build line; this
# checks that the host would accept the file at all. Usage: scripts/recipes/check.sh MOOT
set -euo pipefail
moot=$(realpath "${1:?usage: check.sh path/to/moot}")
py=${PYTHON:-python3}
"$py" -m pip install --quiet --disable-pip-version-check check-jsonschema==0.39.0 2>&1 \
    | grep -v "running pip as the 'root' user" || true
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
"$moot" init "$site/s" --title "Recipes" --timezone Europe/London --no-git \
    --publish github --publish gitlab --publish netlify >/dev/null
check() { "$py" -m check_jsonschema --builtin-schema "$1" "$2"; }
check vendor.github-workflows "$site/s/.github/workflows/publish.yml"
check vendor.gitlab-ci "$site/s/.gitlab-ci.yml"
check vendor.github-issue-forms "$site/s/.github/ISSUE_TEMPLATE/propose-a-meeting.yml"
# A broken workflow must fail, or the check proves nothing.
sed 's/runs-on:/runs_on:/' "$site/s/.github/workflows/publish.yml" >"$site/broken.yml"
if check vendor.github-workflows "$site/broken.yml" >/dev/null 2>&1; then
    echo "recipes: the schema check accepted a workflow without runs-on" >&2
    exit 1
fi
echo "recipes: the workflow, the GitLab CI file and the issue form match their hosts' schemas"
