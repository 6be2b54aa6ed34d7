#!/usr/bin/env bash
# cds.sh KAFKA_HOME ARCHIVE: builds an AppCDS archive of the classes a Kafka node and the Kafka tools
# load, so their JVMs map those classes instead of loading and verifying them again at every start.
# The classes are listed from real runs: a scratch node (127.0.0.1, free ports, a temporary
# directory) formatted, started, asked by the tools kraftlab uses, and stopped; then dumped once
# (-Xshare:dump). bin/kafka-run-class.sh uses the archive when it is there (see setup.sh).
set -euo pipefail
home=$1 archive=$2
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
broker=$(free_port)
controller=$(free_port)
cat >"$tmp/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$broker,CONTROLLER://127.0.0.1:$controller
controller.listener.names=CONTROLLER
log.dirs=$tmp/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=true
EOF
# run NAME TOOL ARGS...: runs bin/TOOL.sh, listing the classes it loads in NAME.lst.
run() {
  local name=$1 tool=$2
  shift 2
  echo "== $tool $*"
  KAFKA_OPTS="-XX:DumpLoadedClassList=$tmp/$name.lst" "$home/bin/$tool.sh" "$@"
}

run format kafka-storage format --config "$tmp/server.properties" --cluster-id AAAAAAAAAAAAAAAAAAAAAA
KAFKA_HEAP_OPTS="-Xmx512m -Xms512m" KAFKA_OPTS="-XX:DumpLoadedClassList=$tmp/node.lst" LOG_DIR="$tmp/logs" \
  "$home/bin/kafka-server-start.sh" "$tmp/server.properties" >"$tmp/node.out" 2>&1 &
pid=$!
for _ in $(seq 120); do
  grep -q "Kafka Server started" "$tmp/node.out" && break
  kill -0 "$pid" 2>/dev/null || { tail -n 30 "$tmp/node.out"; echo "the scratch node exited" >&2; exit 1; }
  sleep 1
done
grep -q "Kafka Server started" "$tmp/node.out" || { tail -n 30 "$tmp/node.out"; echo "the scratch node did not start in 120 s" >&2; exit 1; }
at=(--bootstrap-server "127.0.0.1:$broker")
run topics kafka-topics "${at[@]}" --create --topic cds --partitions 2 --replication-factor 1
run describe kafka-topics "${at[@]}" --describe
run quorum kafka-metadata-quorum "${at[@]}" describe --replication
run configs kafka-configs "${at[@]}" --entity-type topics --entity-name cds --alter --add-config retention.ms=86400000
run acls kafka-acls "${at[@]}" --list
echo cds | run produce kafka-console-producer "${at[@]}" --topic cds
run consume kafka-console-consumer "${at[@]}" --topic cds --from-beginning --max-messages 1 --timeout-ms 30000
kill "$pid"
wait "$pid" || true
pid=

# One list, in first-seen order (a lambda line after the classes it names).
awk '!/^#/ && !seen[$0]++' "$tmp"/format.lst "$tmp"/node.lst "$tmp"/topics.lst "$tmp"/describe.lst "$tmp"/quorum.lst \
  "$tmp"/configs.lst "$tmp"/acls.lst "$tmp"/produce.lst "$tmp"/consume.lst >"$tmp/classes.lst"
echo "== dumping $(wc -l <"$tmp/classes.lst") classes"
"$java" -Xshare:dump -XX:SharedClassListFile="$tmp/classes.lst" -XX:SharedArchiveFile="$tmp/kafka.jsa" -cp "$home/libs/*"
# The list stays beside the archive: kraftlab's Docker image dumps its own from it (its JVM and paths differ).
cp "$tmp/classes.lst" "$(dirname "$archive")/kafka.classlist"
mv "$tmp/kafka.jsa" "$archive"
