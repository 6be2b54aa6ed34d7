#!/usr/bin/env bash
# The lab's manual procedure as a bare script, the baseline kraftlab is measured against:
#   manual-lab.sh up   DIR EXTERNAL_BASE HEAP   random-uuid, format x3, start x3, wait until ready
#   manual-lab.sh down DIR                      SIGTERM x3, wait, remove DIR
# Ports follow kraftlab's rule: node N uses base + (N-1)*100 (+1 internal, +2 controller).
set -euo pipefail
kafka=${KAFKA_HOME:?KAFKA_HOME must point at a Kafka distribution}
cmd=$1 dir=$2

if [ "$cmd" = down ]; then
  shopt -s nullglob
  for pidfile in "$dir"/node-*/kafka.pid; do kill -TERM "$(cat "$pidfile")" 2>/dev/null || true; done
  for pidfile in "$dir"/node-*/kafka.pid; do while kill -0 "$(cat "$pidfile")" 2>/dev/null; do sleep 0.2; done; done
  rm -rf "$dir"
  exit 0
fi

base=$3 heap=$4
voters=""
for n in 1 2 3; do voters+="${voters:+,}$n@127.0.0.1:$((base + (n - 1) * 100 + 2))"; done
cluster_id=$("$kafka/bin/kafka-storage.sh" random-uuid)
for n in 1 2 3; do
  p=$((base + (n - 1) * 100))
  mkdir -p "$dir/node-$n"
  cat >"$dir/node-$n/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
listeners=EXTERNAL://127.0.0.1:$p,INTERNAL://127.0.0.1:$((p + 1)),CONTROLLER://127.0.0.1:$((p + 2))
advertised.listeners=EXTERNAL://127.0.0.1:$p,INTERNAL://127.0.0.1:$((p + 1)),CONTROLLER://127.0.0.1:$((p + 2))
listener.security.protocol.map=EXTERNAL:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
log.dirs=$dir/node-$n/data
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
PROPS
  "$kafka/bin/kafka-storage.sh" format -c "$dir/node-$n/server.properties" -t "$cluster_id" >/dev/null
done
for n in 1 2 3; do
  KAFKA_HEAP_OPTS="-Xms$heap -Xmx$heap" setsid "$kafka/bin/kafka-server-start.sh" "$dir/node-$n/server.properties" \
    >"$dir/node-$n/server.log" 2>&1 </dev/null &
  echo $! >"$dir/node-$n/kafka.pid"
done
# Ready: the same log lines kraftlab waits for.
for n in 1 2 3; do
  until grep -q "Kafka Server started" "$dir/node-$n/server.log" &&
    grep -q "The broker has been unfenced" "$dir/node-$n/server.log" &&
    grep -qE "Completed transition to (Leader|Follower)" "$dir/node-$n/server.log"; do sleep 0.25; done
done
