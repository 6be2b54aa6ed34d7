#!/usr/bin/env bash
# The lab's manual procedure as a bare script, the baseline kraftlab is measured against:
#   manual-lab.sh up         DIR EXTERNAL_BASE HEAP   random-uuid, format x3, start x3, wait until ready
#   manual-lab.sh format     DIR EXTERNAL_BASE HEAP   the first half of up: random-uuid, format x3
#   manual-lab.sh start      DIR EXTERNAL_BASE HEAP   the second half: start x3 in parallel, wait until ready
#   manual-lab.sh add-broker DIR EXTERNAL_BASE HEAP   node 4 (broker only): format with the cluster's id, start, wait
#   manual-lab.sh restart    DIR N HEAP               SIGTERM node N, wait, start it, wait until ready
#   manual-lab.sh down       DIR                      SIGTERM every node, wait, remove DIR
# Ports follow kraftlab's rule: node N uses base + (N-1)*100 (+1 internal, +2 controller).
set -euo pipefail
kafka=${KAFKA_HOME:?KAFKA_HOME must point at a Kafka distribution}
cmd=$1 dir=$2

stop() { # pid file
  kill -TERM "$(cat "$1")" 2>/dev/null || true
  while kill -0 "$(cat "$1")" 2>/dev/null; do sleep 0.2; done
}

if [ "$cmd" = down ]; then
  shopt -s nullglob
  for pidfile in "$dir"/node-*/kafka.pid; do kill -TERM "$(cat "$pidfile")" 2>/dev/null || true; done
  for pidfile in "$dir"/node-*/kafka.pid; do stop "$pidfile"; done
  rm -rf "$dir"
  exit 0
fi

start() { # node heap
  local log="$dir/node-$1/server.log"
  KAFKA_HEAP_OPTS="-Xms$2 -Xmx$2" setsid "$kafka/bin/kafka-server-start.sh" "$dir/node-$1/server.properties" >"$log" 2>&1 </dev/null &
  echo $! >"$dir/node-$1/kafka.pid"
}

wait_ready() { # node: the same log lines kraftlab waits for
  local log="$dir/node-$1/server.log"
  until grep -q "Kafka Server started" "$log" && grep -q "The broker has been unfenced" "$log" &&
    { ! grep -q "^process.roles=.*controller" "$dir/node-$1/server.properties" || grep -qE "Completed transition to (Leader|Follower)" "$log"; }; do
    sleep 0.25
  done
}

if [ "$cmd" = restart ]; then
  stop "$dir/node-$3/kafka.pid"
  start "$3" "$4"
  wait_ready "$3"
  exit 0
fi

base=$3 heap=$4
voters=""
for n in 1 2 3; do voters+="${voters:+,}$n@127.0.0.1:$((base + (n - 1) * 100 + 2))"; done

write_config() { # node roles
  local n=$1 p=$((base + ($1 - 1) * 100)) listeners
  listeners="EXTERNAL://127.0.0.1:$p,INTERNAL://127.0.0.1:$((p + 1))"
  [ "$2" = broker ] || listeners+=",CONTROLLER://127.0.0.1:$((p + 2))"
  mkdir -p "$dir/node-$n"
  cat >"$dir/node-$n/server.properties" <<PROPS
process.roles=$2
node.id=$n
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
listeners=$listeners
advertised.listeners=$listeners
listener.security.protocol.map=EXTERNAL:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
log.dirs=$dir/node-$n/data
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
PROPS
}

if [ "$cmd" = add-broker ]; then
  cluster_id=$(sed -n 's/^cluster.id=//p' "$dir/node-1/data/meta.properties")
  write_config 4 broker
  "$kafka/bin/kafka-storage.sh" format -c "$dir/node-4/server.properties" -t "$cluster_id" >/dev/null
  start 4 "$heap"
  wait_ready 4
  exit 0
fi

# up = format + start; the benchmark times `start` alone after `format` as the physical floor.
if [ "$cmd" = up ] || [ "$cmd" = format ]; then
  cluster_id=$("$kafka/bin/kafka-storage.sh" random-uuid)
  for n in 1 2 3; do
    write_config "$n" broker,controller
    "$kafka/bin/kafka-storage.sh" format -c "$dir/node-$n/server.properties" -t "$cluster_id" >/dev/null
  done
fi
if [ "$cmd" = up ] || [ "$cmd" = start ]; then
  for n in 1 2 3; do start "$n" "$heap"; done
  for n in 1 2 3; do wait_ready "$n"; done
fi
