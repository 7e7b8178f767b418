#!/bin/sh
# build.sh OUT_DIR: compiles the Lucene peer into OUT_DIR and prints the class path to run
# it with (java -cp "$(sh build.sh DIR)" LucenePeer ...). Needs default-jdk-headless and
# liblucene8-java: apt-get install -y default-jdk-headless liblucene8-java
set -eu
out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
jars=/usr/share/java
cp=""
for name in lucene-core lucene-analyzers-common lucene-analyzers-kuromoji lucene-facet; do
	jar=$(ls "$jars"/$name-8.*.jar 2>/dev/null | sort | tail -n 1)
	if [ -z "$jar" ]; then
		echo "build.sh: $jars/$name-8.*.jar not found; install liblucene8-java" >&2
		exit 1
	fi
	cp="$cp${cp:+:}$jar"
done
mkdir -p "$out"
javac -nowarn -d "$out" -cp "$cp" "$here/LucenePeer.java" >&2
echo "$out:$cp"
