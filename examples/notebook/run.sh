#!/bin/sh
# Executes examples/notebook/russia.ipynb headless in GoNB and fails on any
# error. Installs what it needs first (idempotent):
#
#   - Jupyter from Debian packages (jupyter-nbconvert, python3-nbclient,
#     jupyter-client, python3-nbformat), with apt-get (root or sudo);
#   - GoNB, pinned, built through a throwaway module (some module proxies
#     refuse GoNB's version list, which "go install ...@version" needs);
#   - goimports, pinned (GoNB runs it on every cell).
#
# Usage: examples/notebook/run.sh [output directory]
#
# The notebook uses this checkout of candor ($CANDOR_ROOT, default: two
# directories above this script). The executed notebook, with its tables
# and charts, is written to the output directory (default
# ${TMPDIR:-/tmp}/candor-notebook), never into the repository.
set -eu

GONB_VERSION=v0.11.4
GOIMPORTS_VERSION=v0.52.0 # golang.org/x/tools

here=$(cd "$(dirname "$0")" && pwd)
CANDOR_ROOT=${CANDOR_ROOT:-$(cd "$here/../.." && pwd)}
export CANDOR_ROOT
out=${1:-${TMPDIR:-/tmp}/candor-notebook}
gobin=$(go env GOPATH)/bin
PATH=$gobin:$PATH
export PATH
# Debian's Python sees the Debian Jupyter packages; a pyenv or virtualenv
# python3 earlier on PATH would not.
py=/usr/bin/python3
jupyter=/usr/bin/jupyter

start=$(date +%s)

# 1. Jupyter.
if ! [ -x "$jupyter" ] || ! "$py" -c 'import nbconvert, nbclient, jupyter_client, nbformat' 2>/dev/null; then
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update
	$sudo apt-get install -y --no-install-recommends \
		jupyter-nbconvert python3-nbclient jupyter-client python3-nbformat
fi

# 2. GoNB, pinned.
if ! [ -x "$gobin/gonb" ] || ! go version -m "$gobin/gonb" | grep -Eq "(mod|dep)[[:space:]]+github.com/janpfeifer/gonb[[:space:]]+$GONB_VERSION"; then
	build=$(mktemp -d)
	(
		cd "$build"
		go mod init example.com/gonbbuild >/dev/null 2>&1
		printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/janpfeifer/gonb"\n' >tools.go
		go mod edit -require=github.com/janpfeifer/gonb@$GONB_VERSION
		go mod tidy
		go build -o "$gobin/gonb" github.com/janpfeifer/gonb
	)
	rm -rf "$build"
fi

# 3. goimports, pinned.
if ! [ -x "$gobin/goimports" ] || ! go version -m "$gobin/goimports" | grep -Eq "golang.org/x/tools[[:space:]]+$GOIMPORTS_VERSION"; then
	go install golang.org/x/tools/cmd/goimports@$GOIMPORTS_VERSION
fi

# 4. Register the kernel (gopls, for autocompletion only, is not needed).
gonb --install --force_deps >/dev/null

# 5. Execute. nbconvert fails on a cell that does not compile or panics;
# the check below also fails on any error output and on a failed setup
# (a shell cell's failure does not stop nbconvert).
mkdir -p "$out"
"$jupyter" nbconvert --to notebook --execute \
	--ExecutePreprocessor.kernel_name=gonb --ExecutePreprocessor.timeout=900 \
	--output-dir "$out" --output russia.ipynb "$here/russia.ipynb"

"$py" - "$out/russia.ipynb" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
problems, images = [], 0
for i, c in enumerate(nb["cells"]):
    if c["cell_type"] != "code":
        continue
    outs = c.get("outputs", [])
    src = "".join(c["source"])
    runs = "%%" in src or src.lstrip().startswith("!")  # declaration-only cells print nothing
    if runs and not outs:
        problems.append("cell %d produced no output" % i)
    for o in outs:
        if o["output_type"] == "error":
            problems.append("cell %d: %s: %s" % (i, o.get("ename"), o.get("evalue")))
        images += "image/png" in o.get("data", {})
text = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
if "setup ok" not in text:
    problems.append("the setup cell failed")
if images < 2:
    problems.append("expected at least 2 charts, got %d" % images)
if problems:
    sys.exit("notebook check failed:\n  " + "\n  ".join(problems))
print("notebook check: %d cells, %d charts, no errors" % (len(nb["cells"]), images))
PY

echo "executed notebook: $out/russia.ipynb ($(($(date +%s) - start)) s)"
