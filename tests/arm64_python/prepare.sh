#!/usr/bin/env bash
# The root filesystem of the arm64 Python agent image, from real parts and
# without Docker: CPython 3.11 and its libraries from Debian's arm64
# packages (apt-get download + dpkg-deb -x), bedrock-agentcore, mcp and the
# OpenTelemetry SDK from PyPI's aarch64 wheels (pip --platform), and the
# agent tests/python_agent/agent.py. The tests pack it as an OCI archive.
#
#   tests/arm64_python/prepare.sh [OUT]     (default target/arm64-python)
#
# Downloads are cached in OUT/debs and OUT/wheels; OUT/rootfs is rebuilt
# only when this script changes (OUT/rootfs.stamp); the agent is copied in
# on every run.
# Needs arm64 package lists (`dpkg --add-architecture arm64 && apt-get
# update`; tests/run does it), pip and qemu-aarch64-static (for the check).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-target/arm64-python}
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
mkdir -p "$out/debs" "$out/wheels"
out=$(cd "$out" && pwd)
# One preparation at a time (tests and benches may ask at once).
exec 9>"$out/.lock"
flock 9

# python3.11's dependencies (apt-cache depends --recurse), less dpkg's own.
DEBS=(python3.11 python3.11-minimal libpython3.11-minimal libpython3.11-stdlib
  libc6 libgcc-s1 gcc-12-base libbz2-1.0 libcrypt1 libdb5.3 libexpat1 libffi8
  libgssapi-krb5-2 libk5crypto3 libkeyutils1 libkrb5-3 libkrb5support0 libcom-err2
  liblzma5 libncursesw6 libnsl2 libreadline8 libsqlite3-0 libssl3 libtinfo6
  libtirpc3 libuuid1 zlib1g libzstd1)
# Architecture-independent ones.
DEBS_ALL=(media-types libtirpc-common readline-common)
WHEELS=(bedrock-agentcore mcp opentelemetry-sdk opentelemetry-exporter-otlp-proto-http)
stamp=$(sha256sum <"$0" | cut -c1-16)
if [[ -f $out/rootfs.stamp && $(cat "$out/rootfs.stamp") == "$stamp" && -d $out/rootfs/app ]]; then
  # The agent itself is copied in every time (a Dockerfile's last COPY).
  cp tests/python_agent/agent.py "$out/rootfs/app/agent.py"
  echo "$out/rootfs"
  exit 0
fi

if ! apt-cache show python3.11-minimal:arm64 >/dev/null 2>&1; then
  echo "prepare: no arm64 package lists; run: dpkg --add-architecture arm64 && apt-get update" >&2
  exit 2
fi
missing=()
for deb in "${DEBS[@]}"; do
  compgen -G "$out/debs/${deb}_*" >/dev/null || missing+=("$deb:arm64")
done
for deb in "${DEBS_ALL[@]}"; do
  compgen -G "$out/debs/${deb}_*" >/dev/null || missing+=("$deb")
done
if ((${#missing[@]})); then
  (cd "$out/debs" && apt-get download -q "${missing[@]}" >/dev/null)
fi
# CPython 3.11 on aarch64 Linux, whatever the host is.
AARCH64=(--platform manylinux2014_aarch64 --platform manylinux_2_28_aarch64
  --platform manylinux_2_17_aarch64 --only-binary=:all: --python-version 3.11
  --implementation cp --abi cp311 --find-links "$out/wheels")
# The wheels directory is the cache: PyPI only when it lacks something.
python3 -m pip download --quiet --no-index --dest "$out/wheels" "${AARCH64[@]}" "${WHEELS[@]}" >/dev/null 2>&1 \
  || python3 -m pip download --quiet --dest "$out/wheels" "${AARCH64[@]}" "${WHEELS[@]}"

rm -rf "$out/rootfs"
mkdir -p "$out/rootfs"
for deb in "$out"/debs/*.deb; do
  dpkg-deb -x "$deb" "$out/rootfs"
done
site=$out/rootfs/usr/local/lib/python3.11/dist-packages
python3 -m pip install --quiet --no-warn-conflicts --no-index --target "$site" "${AARCH64[@]}" "${WHEELS[@]}"
# What dpkg's postinst would do: byte-compile the standard library
# (py3compile). The host's CPython 3.11 writes the same bytecode.
python3 -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || { echo "prepare: byte-compiling needs the host's python3 to be 3.11" >&2; exit 2; }
# (A few of its test files are invalid on purpose; py3compile skips them too.)
python3 -m compileall -q -j 0 -s "$out/rootfs" -p / "$out/rootfs/usr/lib/python3.11" >/dev/null || true
# An image's usual furniture: the interpreter as python3, the agent's own
# user (`useradd -u 1001 agent` in a Dockerfile), /tmp.
ln -sf python3.11 "$out/rootfs/usr/bin/python3"
mkdir -p "$out/rootfs/app" "$out/rootfs/tmp" "$out/rootfs/etc"
printf 'root:x:0:0:root:/root:/bin/false\nagent:x:1001:1001::/app:/bin/false\n' >"$out/rootfs/etc/passwd"
printf 'root:x:0:\nagent:x:1001:\n' >"$out/rootfs/etc/group"
cp tests/python_agent/agent.py "$out/rootfs/app/agent.py"

# Proof it is what it says: the arm64 interpreter imports the SDK under qemu.
qemu-aarch64-static -L "$out/rootfs" "$out/rootfs/usr/bin/python3.11" -c \
  'import platform, bedrock_agentcore, mcp, pydantic_core; assert platform.machine() == "aarch64", platform.machine()'
echo "$stamp" >"$out/rootfs.stamp"
echo "$out/rootfs"
