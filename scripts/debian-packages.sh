# SPDX-License-Identifier: BSL-1.0
# Sourced by the scripts that need Debian packages (setup, docs, fuzz, package).
# ensure_debian_packages CALLER PACKAGE...: installs, with apt-get (sudo when not root), the
# packages not yet installed; does nothing when every one is.
ensure_debian_packages() {
  local caller=$1
  shift
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "$caller: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
