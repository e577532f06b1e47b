#!/usr/bin/env bash
# Debian packages the test suite drives as a user would: libfaketime (certificate expiry
# at another date), and Vulkan's loader and CPU driver for Real-ESRGAN. Installed when missing and we are root; otherwise the tests that need
# them say so (and fail under CI=true).
set -uo pipefail
need=()
command -v faketime >/dev/null || need+=(faketime)
# PDFs (certificates, packs) are rendered to PNG and their text read back by the tests
command -v pdftoppm >/dev/null || need+=(poppler-utils)
# the web app's end-to-end tests drive Debian's chromium through Playwright (no browser download)
command -v chromium >/dev/null || need+=(chromium)
# Real-ESRGAN (assist upscale) runs on the CPU through Vulkan: the loader, Mesa's CPU driver, OpenMP
for pkg in libvulkan1 mesa-vulkan-drivers libomp5-14; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${need[*]} (Debian packages)" >&2
  { apt-get install -y -qq "${need[@]}" || { apt-get update -qq && apt-get install -y -qq "${need[@]}"; }; } >&2 \
    || echo "could not install ${need[*]}" >&2
else
  echo "missing Debian packages: ${need[*]} (apt-get install ${need[*]})" >&2
fi
exit 0
