#!/usr/bin/env bash
# Runs a Kafka main class on this distribution's libs/, as the official kafka-run-class.sh does.
# Honours the official variables: JAVA_HOME, KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_LOG4J_OPTS, KAFKA_OPTS, LOG_DIR.
set -euo pipefail
base_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
heap=${KAFKA_HEAP_OPTS:--Xmx256M}
perf=${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}
log4j=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base_dir/config/tools-log4j2.yaml}
# The AppCDS archive the setup builds (setup/kafka/cds.sh): classes mapped, not loaded. -Xshare:auto
# falls back silently to loading them when it does not fit (another JDK, other jars).
cds=
[ -f "$base_dir/kafka.jsa" ] && cds="-XX:SharedArchiveFile=$base_dir/kafka.jsa -Xshare:auto"
# shellcheck disable=SC2086 # the *_OPTS variables hold several words on purpose
exec "$java" $heap $perf $cds $log4j ${LOG_DIR:+-Dkafka.logs.dir=$LOG_DIR} -cp "$base_dir/libs/*" ${KAFKA_OPTS:-} "$@"
