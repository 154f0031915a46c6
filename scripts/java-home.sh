# Sourced by ./gyre and ./test: exports JAVA_HOME pointing at a JDK 21 or newer.
# Looks at $JAVA_HOME, then the java on PATH, then /usr/lib/jvm/*, and says what to do when none fits.

gyre_java_major() { # prints the major version of the java binary $1, or 0
  local v home
  home=$(dirname "$(dirname "$1")")
  # The JDK's release file answers without starting a JVM (half a second saved on every command).
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [ -z "${v:-}" ]; then
    v=$("$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2; exit}')
  fi
  case "$v" in 1.*) echo 0 ;; "") echo 0 ;; *) v=${v%%.*}; echo "${v%%[!0-9]*}" ;; esac
}

gyre_find_java_home() {
  local candidate best="" best_major=0 major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(gyre_java_major "$JAVA_HOME/bin/java")
    if [ "$major" -ge 21 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(gyre_java_major "$candidate/bin/java")
    if [ "$major" -ge 21 ]; then echo "$candidate"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(gyre_java_major "$candidate/bin/java")
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major=$major; fi
  done
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  return 1
}

if ! GYRE_JAVA_HOME=$(gyre_find_java_home); then
  echo "gyre: no JDK 21 or newer found (looked at \$JAVA_HOME, the javac on PATH and /usr/lib/jvm/*)." >&2
  echo "gyre: install one (for example: apt-get install openjdk-21-jdk-headless) or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$GYRE_JAVA_HOME"
