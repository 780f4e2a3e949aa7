#!/bin/sh
# Build and run the OCI runtime-tools validation suite against grid, offline.
#
#   tests/oci-validation/run.sh [TEST...]      (default: every test found in the source tree)
#
# Environment:
#   GRID          runtime binary to test          (default: <repo>/grid; not rebuilt here)
#   OCI_VAL_SRC   GOPATH dir holding the suite's sources, i.e.
#                 $OCI_VAL_SRC/src/github.com/opencontainers/runtime-tools/{validation,cmd/runtimetest}
#                 and   $OCI_VAL_SRC/src/github.com/mndrix/tap-go      (default: /work/oci-validation/gopath)
#   OCI_VAL_WORK  build/run dir: bin/, rootfs-amd64.tar.gz, results/  (default: /work/oci-validation)
#   GRID_ROOT     grid state dir used by the run  (default: /run/grid-oci-validation)
#   TEST_TIMEOUT  seconds per test program        (default: 180)
#
# Debian's golang-github-opencontainers-runtime-tools-dev ships only the library
# packages (generate, specerror, validate, ...): NOT validation/ nor cmd/runtimetest,
# and the deb-src tarball is not on the mirror. So the suite's sources must be put in
# OCI_VAL_SRC by hand (see README.md here). All Go dependencies come from Debian.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
GRID=${GRID:-$repo/grid}
SRC=${OCI_VAL_SRC:-/work/oci-validation/gopath}
WORK=${OCI_VAL_WORK:-/work/oci-validation}
export GRID_ROOT=${GRID_ROOT:-/run/grid-oci-validation}
TEST_TIMEOUT=${TEST_TIMEOUT:-180}
RT=github.com/opencontainers/runtime-tools

pkgs="golang-go golang-github-opencontainers-runtime-tools-dev golang-github-google-uuid-dev
golang-golang-x-sys-dev golang-github-hashicorp-go-multierror-dev golang-gocapability-dev
golang-github-sirupsen-logrus-dev golang-github-urfave-cli-dev golang-github-mrunalp-fileutils-dev
golang-github-opencontainers-specs-dev busybox-static"
missing=
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null || {
		echo "run.sh: apt-get install failed:$missing" >&2; exit 1; }
fi
[ -x "$GRID" ] || { echo "run.sh: $GRID not built (run make once)" >&2; exit 1; }
if [ ! -d "$SRC/src/$RT/validation/util" ] || [ ! -d "$SRC/src/$RT/cmd/runtimetest" ] || [ ! -d "$SRC/src/github.com/mndrix/tap-go" ]; then
	echo "run.sh: validation suite sources not found under $SRC (see $here/README.md)" >&2
	exit 1
fi

mkdir -p "$WORK/bin" "$WORK/results"
# the suite leaks some ocitest* bundle dirs: keep them in a private TMPDIR and wipe it after
export TMPDIR="$WORK/tmp"
rm -rf "$TMPDIR"; mkdir -p "$TMPDIR"
cd "$WORK" || exit 1
export GO111MODULE=off GOFLAGS= GOPATH="$SRC:/usr/share/gocode" GOCACHE="$WORK/.gocache" CGO_ENABLED=0

# runtimetest runs inside the container: static binary in the working dir, copied into each bundle.
go build -o runtimetest "$RT/cmd/runtimetest" || { echo "run.sh: runtimetest build failed" >&2; exit 1; }

# Busybox rootfs, unpacked as the bundle dir itself (the suite uses root.path ".").
if [ ! -s rootfs-amd64.tar.gz ]; then
	tmp=$(mktemp -d)
	sh "$repo/tests/mkbundle.sh" "$tmp/b" >/dev/null || exit 1
	tar -C "$tmp/b/rootfs" -czf rootfs-amd64.tar.gz . && rm -rf "$tmp"
fi

if [ $# -gt 0 ]; then tests=$*; else
	tests=$(cd "$SRC/src/$RT/validation" && for d in */; do d=${d%/}; [ "$d" = util ] || [ ! -f "$d/$d.go" ] || echo "$d"; done)
fi

cleanup() {
	"$GRID" --root "$GRID_ROOT" list 2>/dev/null | awk 'NR>1 {print $1}' | while read -r id; do
		"$GRID" --root "$GRID_ROOT" delete --force "$id" >/dev/null 2>&1
	done
}

pass=0 fail=0
for t in $tests; do
	if ! go build -o "bin/$t.t" "$RT/validation/$t" 2>"results/$t.build"; then
		echo "BUILD-FAIL $t"; fail=$((fail + 1)); continue
	fi
	RUNTIME=$GRID timeout "$TEST_TIMEOUT" "./bin/$t.t" >"results/$t.tap" 2>"results/$t.err"
	rc=$?
	cleanup
	# top-level TAP lines only (runtimetest's nested TAP is indented inside YAML blocks)
	ok=$(grep -c '^ok ' "results/$t.tap")
	nok=$(grep -c '^not ok ' "results/$t.tap")
	# prestart/poststop-style tests print no ok line: a YAML "error:" block means failure
	if [ "$ok" -eq 0 ] && [ "$nok" -eq 0 ] && grep -q '^  error:' "results/$t.tap"; then nok=1; fi
	if [ "$rc" -ne 0 ] || [ "$nok" -gt 0 ]; then
		echo "FAIL $t (exit $rc, $ok ok, $nok not ok)"; fail=$((fail + 1))
	else
		echo "PASS $t ($ok ok)"; pass=$((pass + 1))
	fi
done
rm -rf "$TMPDIR"
echo "TAP output: $WORK/results/<test>.tap, stderr: <test>.err"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
