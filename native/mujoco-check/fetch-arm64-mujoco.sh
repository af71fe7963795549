#!/usr/bin/env bash
# Downloads Debian's arm64 MuJoCo 2.2.2 with the shared libraries it needs beyond the cross toolchain's (libc6,
# libgcc_s and libstdc++ come from libc6-arm64-cross and the cross gcc packages, /usr/aarch64-linux-gnu/lib) and
# unpacks them with dpkg-deb for the ARM64 MuJoCo check (tests/Qail.Envs.Tests/MuJoCo/MujocoArm64Tests.cs), which runs
# qail-mujoco-check under qemu-aarch64 -L /usr/aarch64-linux-gnu with LD_LIBRARY_PATH set for the guest only.
# Installs nothing: apt reads the arm64 indexes of the machine's own sources into a private state folder, so dpkg's
# architectures and status stay as they were. Installing libmujoco2.2.2:arm64 instead would pull the multiarch
# libc6:arm64, another build than libc6-arm64-cross, which qemu's loader then mixes with it: every NativeAOT arm64
# binary hangs at start.
#   fetch-arm64-mujoco.sh [DEST]   (default $QAIL_ARM64_MUJOCO, else /opt/qail-arm64-mujoco)
# The libraries land in DEST/usr/lib/aarch64-linux-gnu; DEST, empty or from an earlier run, is replaced.
set -euo pipefail
dest="${1:-${QAIL_ARM64_MUJOCO:-/opt/qail-arm64-mujoco}}"
# libmujoco2.2.2's Depends less libc6, libgcc-s1 and libstdc++6; theirs are only those three (apt-cache depends).
packages=(libmujoco2.2.2 libccd2 liblodepng0 libqhull-r8.0 libtinyxml2-9)
cross=/usr/aarch64-linux-gnu/lib
for tool in apt-get dpkg-deb aarch64-linux-gnu-readelf; do
  command -v "$tool" >/dev/null || { echo "fetch-arm64-mujoco.sh: $tool is missing" >&2; exit 1; }
done
if [ ! -d "$cross" ]; then
  echo "fetch-arm64-mujoco.sh: $cross is missing (apt-get install libc6-dev-arm64-cross)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
: >"$work/status"
apt_private=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Dir::State::Lists="$work/lists"
  -o Dir::State::status="$work/status" -o Dir::Cache="$work/cache" -o APT::Sandbox::User=root)
apt-get "${apt_private[@]}" update -qq
(cd "$work/debs" && apt-get "${apt_private[@]}" download -qq "${packages[@]}")

# Replaces only an earlier unpacking (its marker file) or an empty folder, never a folder of something else.
marker=.qail-arm64-mujoco
if [ -d "$dest" ] && [ -n "$(ls -A "$dest")" ] && [ ! -e "$dest/$marker" ]; then
  echo "fetch-arm64-mujoco.sh: $dest is not empty and was not made by this script; choose another folder" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"
: >"$dest/$marker"
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$dest"; done
lib="$dest/usr/lib/aarch64-linux-gnu"

# Every library the unpacked ones need must now be in $lib or in the cross toolchain's folder.
missing=()
for so in "$lib"/*.so.*; do
  [ -L "$so" ] && continue
  while read -r needed; do
    [ -e "$lib/$needed" ] || [ -e "$cross/$needed" ] || missing+=("$(basename "$so") needs $needed")
  done < <(aarch64-linux-gnu-readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fetch-arm64-mujoco.sh: not in $lib nor $cross: ${missing[*]}" >&2
  exit 1
fi
echo "fetch-arm64-mujoco.sh: $lib ($(cd "$lib" && echo libmujoco.so.*))"
