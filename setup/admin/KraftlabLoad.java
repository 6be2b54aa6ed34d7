// KraftlabLoad: the load of a failure drill. An idempotent producer (acks=all) sends keyed records at
// a steady rate while a consumer reads the topic from where it ended at start; each event is one JSON
// line on stdout, so the drill knows every record's send time, ack time and latency, and which came back.
//
//   java -cp '<kafkaHome>/libs/*:<classes>' KraftlabLoad --bootstrap-server HOST:PORT[,...] \
//        [--command-config FILE] --topic T --rate N --keys N --run N
//
// Lines on stdout:
//   {"e":"ready"}                                          both clients started, consumer at the end
//   {"e":"ack","s":seq,"k":key,"p":partition,"o":offset,"t":sentAtMs,"l":latencyMicros}
//   {"e":"err","s":seq,"t":sentAtMs,"m":"<type>: <message>"}  a send the producer gave up on
//   {"e":"rec","s":seq,"k":key,"p":partition,"o":offset}   a record of this run read back
//   {"e":"sent","n":count}                                 after "stop" (or stdin's end): producer closed
//   {"e":"done","complete":bool}                           the consumer reached every partition's end
// Values are "<run>.<seq>", so records of earlier runs on the topic are told apart.

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

public class KraftlabLoad {
    static PrintStream events;

    static synchronized void emit(String line) {
        events.println(line);
    }

    static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    public static void main(String[] args) throws Exception {
        events = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // stdout carries events only
        String bootstrap = null, commandConfig = null, topic = null;
        int rate = 200, keys = 8;
        long run = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bootstrap-server": bootstrap = args[i + 1]; break;
                case "--command-config": commandConfig = args[i + 1]; break;
                case "--topic": topic = args[i + 1]; break;
                case "--rate": rate = Integer.parseInt(args[i + 1]); break;
                case "--keys": keys = Integer.parseInt(args[i + 1]); break;
                case "--run": run = Long.parseLong(args[i + 1]); break;
                default:
                    System.err.println("kraftlab-load: ERROR: unexpected argument " + args[i]);
                    System.exit(2);
            }
        }
        if (bootstrap == null || topic == null) {
            System.err.println("kraftlab-load: ERROR: --bootstrap-server and --topic are required");
            System.exit(2);
        }
        Properties base = new Properties();
        if (commandConfig != null) {
            try (InputStream in = new FileInputStream(commandConfig)) {
                base.load(in);
            }
        }
        base.put("bootstrap.servers", bootstrap);

        Properties p = new Properties();
        p.putAll(base);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "kraftlab-drill-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.RETRIES_CONFIG, String.valueOf(Integer.MAX_VALUE));
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        // Outlasts any drill's outage: a send is given up only past it.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());

        Properties c = new Properties();
        c.putAll(base);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "kraftlab-drill-consumer");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());

        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c);
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(60))) partitions.add(new TopicPartition(topic, info.partition()));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        for (TopicPartition tp : partitions) consumer.position(tp, Duration.ofSeconds(60)); // resolved now, before the first send
        KafkaProducer<String, String> producer = new KafkaProducer<>(p);
        emit("{\"e\":\"ready\"}");

        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        final String prefix = run + ".";
        final int keyCount = keys;
        final long intervalNs = 1_000_000_000L / Math.max(1, rate);
        final String topicName = topic;
        Thread producerThread = new Thread(() -> {
            long start = System.nanoTime();
            for (long seq = 0; producing.get(); seq++) {
                long due = start + seq * intervalNs;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                if (!producing.get()) break;
                final long s = seq;
                final String key = String.valueOf(seq % keyCount);
                final long sentAt = System.currentTimeMillis();
                final long sentNs = System.nanoTime();
                producer.send(new ProducerRecord<>(topicName, key, prefix + seq), (meta, err) -> {
                    long micros = (System.nanoTime() - sentNs) / 1_000;
                    if (err != null) {
                        emit("{\"e\":\"err\",\"s\":" + s + ",\"t\":" + sentAt + ",\"m\":" + quoted(err.getClass().getSimpleName() + ": " + err.getMessage()) + "}");
                    } else {
                        emit("{\"e\":\"ack\",\"s\":" + s + ",\"k\":" + quoted(key) + ",\"p\":" + meta.partition() + ",\"o\":" + meta.offset()
                            + ",\"t\":" + sentAt + ",\"l\":" + micros + "}");
                    }
                });
                sent.incrementAndGet();
            }
        }, "kraftlab-load-producer");
        producerThread.start();

        AtomicBoolean stopped = new AtomicBoolean(false);
        Thread stdin = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && !line.trim().equals("stop")) {
                    // only "stop" means anything
                }
            } catch (IOException e) {
                // stdin gone: stop as well
            }
            stopped.set(true);
        }, "kraftlab-load-stdin");
        stdin.setDaemon(true);
        stdin.start();

        Map<TopicPartition, Long> ends = null;
        long readDeadline = Long.MAX_VALUE;
        boolean complete = false;
        while (true) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                String v = r.value();
                if (v == null || !v.startsWith(prefix)) continue;
                emit("{\"e\":\"rec\",\"s\":" + v.substring(prefix.length()) + ",\"k\":" + quoted(String.valueOf(r.key())) + ",\"p\":" + r.partition() + ",\"o\":" + r.offset() + "}");
            }
            if (stopped.get() && ends == null) {
                producing.set(false);
                producerThread.join();
                producer.close(Duration.ofSeconds(60)); // waits for every send in flight to be acked or given up
                emit("{\"e\":\"sent\",\"n\":" + sent.get() + "}");
                ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
                readDeadline = System.currentTimeMillis() + 60_000;
            }
            if (ends != null) {
                complete = true;
                for (TopicPartition tp : partitions) if (consumer.position(tp) < ends.get(tp)) complete = false;
                if (complete || System.currentTimeMillis() > readDeadline) break;
            }
        }
        consumer.close(Duration.ofSeconds(5));
        emit("{\"e\":\"done\",\"complete\":" + complete + "}");
        System.exit(0);
    }
}
