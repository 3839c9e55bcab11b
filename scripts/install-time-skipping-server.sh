#!/usr/bin/env bash
# Installs Temporal's time-skipping test server (the Java one, io.temporal:temporal-test-server from Maven
# Central) into .tools/time-skipping-server/, with a launcher that binds it to 127.0.0.1. The TypeScript SDK
# would download a native build of it from GitHub, which these machines cannot reach. Needs Java 17+ and
# Maven; about a minute the first time, skipped when the launcher is there for this version.
set -euo pipefail
cd "$(dirname "$0")/.."

source_dir=scripts/time-skipping-server
dir=.tools/time-skipping-server
# The launcher (absolute paths) is rebuilt when the checkout moves or this script, the pom or the main changes.
stamp=$( (echo "$PWD"; cat scripts/install-time-skipping-server.sh "$source_dir/pom.xml" "$source_dir/LoopbackTestServer.java") | sha256sum | cut -c1-16)

if [ -x "$dir/test-server" ] && [ "$(cat "$dir/STAMP" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi
for tool in java javac mvn; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "time-skipping server: $tool is not installed; the time-skipping tests need Java 17+ and Maven" >&2
    exit 1
  fi
done

echo "time-skipping server: resolving io.temporal:temporal-test-server into ${dir}"
rm -rf "$dir"
mkdir -p "$dir/classes"
mvn -q -B -Dstyle.color=never -f "$source_dir/pom.xml" dependency:build-classpath -Dmdep.outputFile="$PWD/$dir/classpath.txt"
javac -d "$dir/classes" -cp "$(cat "$dir/classpath.txt")" "$source_dir/LoopbackTestServer.java"
cat > "$dir/test-server" <<LAUNCHER
#!/usr/bin/env bash
# The time-skipping test server on 127.0.0.1:<port> (\$1; \$2 may be --enable-time-skipping); written by scripts/install-time-skipping-server.sh.
exec java -cp "$PWD/$dir/classes:$(cat "$dir/classpath.txt")" LoopbackTestServer "\$@"
LAUNCHER
chmod +x "$dir/test-server"
echo "$stamp" > "$dir/STAMP"
echo "time-skipping server: installed"
