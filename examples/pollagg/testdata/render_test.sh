#!/bin/sh
# Renders the HTML page of `pollagg report` in a real headless browser and
# fails unless it renders without a console message, its script ran to the
# end, the trend's values appear under the pointer and a pollster's polls
# can be hidden. Installs Debian's chromium if it is missing (apt-get, as
# root or with sudo).
#
# Usage: examples/pollagg/testdata/render_test.sh [output directory]
#
# The report is the README's one command on the three Russian files
# (testdata/russia/) and the 2024 election; the page, a screenshot
# (page.png), the DOM after the script ran (dom.html) and the browser's
# log (browser.log) are left in the output directory (default
# ${TMPDIR:-/tmp}/candor-render). About 10 s once chromium is installed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-${TMPDIR:-/tmp}/candor-render}
mkdir -p "$out"

if ! command -v chromium >/dev/null 2>&1; then
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update
	$sudo apt-get install -y --no-install-recommends chromium
fi

# The report (exit status 2: the ten NA weeks of the VTsIOM file are
# rejected and reported; -keep-going uses the rest).
cd "$root"
go build -o "$out/pollagg" ./examples/pollagg
status=0
"$out/pollagg" report -o "$out" -q -subject Putin -pollster Levada -reference Levada -split-modes \
	-exclude 'VTsIOM:2008-05-07..2012-05-06=the VTsIOM series tracks the office of President' \
	-from 2022-02-24 -gap 0.71:0.61 -gap-se 0.0083:0.03 -kappa 0.8,0.67,0.5 -manski \
	-official 87.28 -official-date 2024-03-17 \
	-election testdata/elections/2024.csv.zip -election-remote testdata/elections/2024-electronic-voting.csv \
	-keep-going testdata/russia/Levada.csv testdata/russia/putin-approval-fom.csv \
	testdata/russia/vciom-presidential-approval-2006.csv 2>"$out/pollagg.log" || status=$?
if [ "$status" -ne 2 ]; then
	echo "render: pollagg report exited $status (want 2)" >&2
	cat "$out/pollagg.log" >&2
	exit 1
fi
page="file://$out/report.html"

browse() { # chromium, headless, offline, with its log on standard error
	profile=$(mktemp -d)
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
		--enable-logging=stderr --v=0 "$@"
	rc=$?
	rm -rf "$profile"
	return $rc
}

# 1. The DOM after the page's script ran, with its self-test: the pointer
#    over the trend's last days, the first pollster unticked.
browse --window-size=1000,1000 --dump-dom "$page#selftest" >"$out/dom.html" 2>"$out/browser.log"
# 2. A screenshot of the whole report.
browse --window-size=1000,3200 --hide-scrollbars --screenshot="$out/page.png" "$page" >/dev/null 2>>"$out/browser.log"

fail=0
check() { # description, then a test that succeeds when the check holds
	what=$1
	shift
	if "$@"; then echo "render: ok: $what"; else echo "render: FAILED: $what" >&2; fail=1; fi
}
root_tag=$(grep -o '<html[^>]*>' "$out/dom.html" | head -1)
charts=$(grep -c '<svg class="chart"' "$out/dom.html" || true)
shot=$(wc -c <"$out/page.png" 2>/dev/null || echo 0)
check "the page's script ran to the end" sh -c 'echo "$1" | grep -q "data-candor-ready=\"1\""' - "$root_tag"
check "no script error" sh -c '! echo "$1" | grep -q "data-candor-error"' - "$root_tag"
check "no console message (error, warning or log)" sh -c '! grep -q ":CONSOLE" "$1"' - "$out/browser.log"
check "the trend's values under the pointer" sh -c 'echo "$1" | grep -Eq "data-candor-hover=\"20[0-9]{2}-[0-9]{2}-[0-9]{2}: approve [0-9.]+ \[[0-9.]+, [0-9.]+\]\""' - "$root_tag"
check "a pollster's polls hidden by its checkbox" sh -c 'echo "$1" | grep -q "data-candor-toggle=\"polls hidden\""' - "$root_tag"
check "the four charts and the integrity table in the DOM" sh -c '[ "$1" -eq 4 ] && grep -q "clean: Shpilkin" "$2"' - "$charts" "$out/dom.html"
check "a screenshot of the page" test "$shot" -gt 100000
if [ "$fail" -ne 0 ]; then
	echo "render: see $out/browser.log and $out/dom.html" >&2
	exit 1
fi
echo "render: $out/report.html renders in $(chromium --version 2>/dev/null | head -1); $root_tag; screenshot $out/page.png"
