// KraftlabAdmin: a long-lived helper on Kafka's own Java Admin client, so that kraftlab asks the
// cluster in milliseconds instead of starting a Kafka CLI tool JVM per question.
//
//   java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
//        -XX:SharedArchiveFile=<kafkaHome>/kafka.jsa -Xshare:auto \
//        -cp '<kafkaHome>/libs/*:<classes>' KraftlabAdmin --bootstrap-server HOST:PORT[,...] [--command-config FILE]
// (or --bootstrap-controller HOST:PORT[,...]: the controllers themselves, for what only they know
// while the brokers forward to a controller that is gone, e.g. whether the quorum has a leader.)
// (libs/ first: the setup's AppCDS archive of Kafka's classes applies only to a class path that begins
// with the one it was dumped with; a JVM it does not fit ignores it.)
//
// Protocol: one JSON object per line on stdin, {"id": N, "op": "<name>", "timeoutMs": N?, ...params};
// one line per request on stdout, in completion order: {"id": N, "result": ...} or
// {"id": N, "error": {"type": "<simple class name of the root cause>", "message": "..."}}.
// "id" is the request's, so the ops about one node (addVoter, removeVoter, unregisterBroker) name
// it "nodeId". Requests run concurrently; stdin's end closes the client once the requests in flight
// are answered. stdout carries the protocol only: everything else (logging, the reassignment tool's
// printing) goes to stderr. Stack traces only with KRAFTLAB_DEBUG set, and only on stderr.

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.clients.admin.AddRaftVoterOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterClientQuotasOptions;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.AlterUserScramCredentialsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateAclsOptions;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DeleteAclsOptions;
import org.apache.kafka.clients.admin.DeleteTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeFeaturesOptions;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ElectLeadersOptions;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import org.apache.kafka.clients.admin.RemoveRaftVoterOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.SupportedVersionRange;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UnregisterBrokerOptions;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.tools.reassign.ReassignPartitionsCommand;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

public class KraftlabAdmin {
    static final int DEFAULT_TIMEOUT_MS = 30_000;
    // The Admin call's own timeout (timeoutMs) normally fires first, with Kafka's message; the bound on
    // our wait only catches what would otherwise hang, so it gets a little more.
    static final long WAIT_GRACE_MS = 500;
    static final int WORKERS = 8;
    static final boolean DEBUG = System.getenv("KRAFTLAB_DEBUG") != null;
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A request we cannot serve as sent (malformed JSON, unknown op, a missing or wrong parameter). */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    final Properties clientProps;
    // Created at start, or again at the next request when that failed (a bootstrap host that does not
    // resolve yet, say): each request that finds none answers the reason.
    volatile Admin admin;
    // stdout's stream in a helper of one command; null in an agent, which answers each connection on its own.
    final OutputStream out;
    final Map<String, Supplier<JsonNode>> ownOps;
    // Never includes a request's text in its messages (a password could be in it).
    final ObjectMapper mapper = JsonMapper.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();
    final ExecutorService workers = Executors.newFixedThreadPool(WORKERS, daemonThreads("kraftlab-admin-worker"));
    // The reassignment tool's calls take no timeout of ours: they run here, and we stop waiting for them.
    final ExecutorService toolCalls = Executors.newCachedThreadPool(daemonThreads("kraftlab-admin-tool"));
    // The latest deadline of the requests accepted: at stdin's end we wait that long for their answers.
    final AtomicLong lastDeadline = new AtomicLong(System.nanoTime());

    KraftlabAdmin(Properties clientProps, OutputStream out, Map<String, Supplier<JsonNode>> ownOps) {
        this.clientProps = clientProps;
        this.out = out;
        this.ownOps = ownOps;
    }

    /** The Admin client, created when there is none yet; its creation's failure, innermost cause first. */
    synchronized Admin admin() throws Throwable {
        if (admin == null) {
            try {
                admin = Admin.create(clientProps);
            } catch (Throwable e) {
                debug(e);
                // Kafka's wrapper says only "Failed to create new KafkaAdminClient"; its cause says why
                // (a bad sasl.jaas.config, no resolvable bootstrap server, ...).
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) root = root.getCause();
                throw root;
            }
        }
        return admin;
    }

    public static void main(String[] args) {
        // stdout is the protocol's: whatever else prints there (libraries, the reassignment tool) goes
        // to stderr. Taken first, before any logger exists.
        OutputStream protocol = new FileOutputStream(FileDescriptor.out);
        fromArgs(args, protocol, Map.of()).serve(System.in);
    }

    /**
     * The helper the arguments describe, its Admin client started; `protocol` is stdout's stream when it
     * answers there (an agent answers each connection on its own); `ownOps` are answered without the
     * cluster (an agent's hello and exit).
     */
    static KraftlabAdmin fromArgs(String[] args, OutputStream protocol, Map<String, Supplier<JsonNode>> ownOps) {
        System.setOut(System.err);
        quietLogging();
        String bootstrap = null;
        String bootstrapKey = AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG;
        String commandConfig = null;
        String usage = "Usage: KraftlabAdmin (--bootstrap-server | --bootstrap-controller) HOST:PORT[,...] [--command-config FILE]";
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--bootstrap-") && i + 1 < args.length) {
                if (arg.equals("--bootstrap-controller")) bootstrapKey = AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG;
                else if (!arg.equals("--bootstrap-server")) die(2, "unexpected argument '" + arg + "'. " + usage);
                bootstrap = args[++i];
            } else if (arg.equals("--command-config") && i + 1 < args.length) {
                commandConfig = args[++i];
            } else {
                die(2, "unexpected argument '" + arg + "'. " + usage);
            }
        }
        if (bootstrap == null || bootstrap.isBlank()) die(2, "--bootstrap-server or --bootstrap-controller is required. " + usage);

        Properties props = new Properties();
        if (commandConfig != null) {
            try (InputStream in = new FileInputStream(commandConfig)) {
                props.load(in);
            } catch (IOException e) {
                die(1, "cannot read the client properties " + commandConfig + ": " + e);
            }
        }
        // The command line says where to connect: a client file's own bootstrap (servers or controllers) gives way.
        props.remove(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        props.remove(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG);
        props.put(bootstrapKey, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "kraftlab");

        KraftlabAdmin helper = new KraftlabAdmin(props, protocol, ownOps);
        try {
            helper.admin(); // now, so that the first request finds it ready
        } catch (Throwable e) {
            System.err.println("kraftlab-admin: WARN: no Admin client yet (tried again at each request): "
                + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return helper;
    }

    /**
     * Kafka's client logs through SLF4J to Log4j 2. Without a configuration Log4j 2 logs errors
     * only, and on its status logger says so; the distribution's tools configuration
     * (config/tools-log4j2.yaml: WARN and up, to stderr) is what its CLI tools use, so we take it
     * when the caller chose none. It is found beside the libs/ directory that holds kafka-clients.
     */
    static void quietLogging() {
        if (System.getProperty("log4j2.configurationFile") != null || System.getProperty("log4j.configurationFile") != null
            || System.getenv("LOG4J_CONFIGURATION_FILE") != null)
            return;
        try {
            Path jar = Path.of(Admin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path config = jar.getParent().getParent().resolve("config").resolve("tools-log4j2.yaml");
            if (Files.isRegularFile(config)) {
                System.setProperty("log4j2.configurationFile", config.toString());
                return;
            }
        } catch (Exception | Error e) {
            // fall through to the property-only setting below
        }
        // No file: Log4j 2's default configuration (a console appender; stdout is stderr by now), at WARN.
        System.setProperty("log4j2.level", "WARN");
    }

    static void die(int status, String message) {
        System.err.println("kraftlab-admin: ERROR: " + message);
        System.err.flush();
        System.exit(status);
    }

    static void debug(Throwable e) {
        if (DEBUG) e.printStackTrace(System.err);
    }

    static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // --- The loop --------------------------------------------------------------------------------

    void serve(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) accept(line, out);
            }
        } catch (IOException e) {
            System.err.println("kraftlab-admin: reading stdin failed: " + e);
        }
        // stdin's end: answer what is in flight (each request is bounded by its timeout), then go.
        workers.shutdown();
        try {
            long waitNs = Math.max(0, lastDeadline.get() - System.nanoTime()) + TimeUnit.SECONDS.toNanos(2);
            workers.awaitTermination(waitNs, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        System.exit(0);
    }

    /** Closes the Admin client, giving its requests in flight 2 s. */
    void close() {
        try {
            if (admin != null) admin.close(Duration.ofSeconds(2));
        } catch (Exception e) {
            debug(e);
        }
    }

    /** Parses one line and hands it to a worker, its answer to go to `to`; a line we cannot parse is answered at once. */
    void accept(String line, OutputStream to) {
        JsonNode request;
        try {
            request = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            // Where, not what: Jackson's message quotes the text it choked on, which may be a password.
            String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            reply(to, NullNode.getInstance(), null, new BadRequest("malformed JSON" + where));
            return;
        }
        if (request == null || !request.isObject()) {
            reply(to, NullNode.getInstance(), null, new BadRequest("a request is a JSON object"));
            return;
        }
        JsonNode id = request.has("id") ? request.get("id") : NullNode.getInstance();
        long timeoutMs;
        JsonNode timeout = request.get("timeoutMs");
        if (timeout == null || timeout.isNull()) {
            timeoutMs = DEFAULT_TIMEOUT_MS;
        } else if (timeout.isIntegralNumber() && timeout.canConvertToInt() && timeout.intValue() > 0) {
            timeoutMs = timeout.intValue();
        } else {
            reply(to, id, null, new BadRequest("\"timeoutMs\" must be a positive integer"));
            return;
        }
        Call call = new Call(request, timeoutMs);
        lastDeadline.accumulateAndGet(call.deadlineNs, (a, b) -> b - a > 0 ? b : a);
        try {
            workers.execute(() -> {
                try {
                    reply(to, id, dispatch(call), null);
                } catch (Throwable e) {
                    reply(to, id, null, e);
                }
            });
        } catch (Exception e) { // rejected: we are shutting down
            reply(to, id, null, e);
        }
    }

    void reply(OutputStream to, JsonNode id, JsonNode result, Throwable error) {
        ObjectNode response = JSON.objectNode();
        response.set("id", id);
        if (error == null) {
            response.set("result", result == null ? NullNode.getInstance() : result);
        } else {
            Throwable root = rootCause(error);
            ObjectNode e = response.putObject("error");
            e.put("type", root.getClass().getSimpleName());
            e.put("message", root.getMessage() == null ? "" : root.getMessage());
            if (!(root instanceof BadRequest)) debug(error);
        }
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(response);
        } catch (JsonProcessingException e) {
            bytes = ("{\"id\":" + id + ",\"error\":{\"type\":\"InternalError\",\"message\":\"cannot encode the answer\"}}")
                .getBytes(StandardCharsets.UTF_8);
        }
        synchronized (to) {
            try {
                to.write(bytes);
                to.write('\n');
                to.flush();
            } catch (IOException e) {
                // Nobody reads our answers any more: a helper of one command goes; an agent's connection closed.
                if (to != out) return;
                System.err.println("kraftlab-admin: writing stdout failed, exiting: " + e);
                System.exit(1);
            }
        }
    }

    /** The exception that says what went wrong: the wrappers of futures and reflection taken off. */
    static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException
            || t instanceof InvocationTargetException || t instanceof UndeclaredThrowableException)
            && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    // --- One request -----------------------------------------------------------------------------

    /** A request with its deadline: each Admin call gets the time left of the request's timeoutMs. */
    static final class Call {
        final JsonNode req;
        final long timeoutMs;
        final long deadlineNs;

        Call(JsonNode req, long timeoutMs) {
            this.req = req;
            this.timeoutMs = timeoutMs;
            this.deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        }

        /** Milliseconds left, at least 1 (an Admin call with timeout 1 fails with Kafka's TimeoutException). */
        int ms() {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
        }

        <T> T get(KafkaFuture<T> future) throws ExecutionException, InterruptedException {
            try {
                return future.get(ms() + WAIT_GRACE_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                future.cancel(true);
                throw new TimeoutException("no answer within " + timeoutMs + " ms");
            }
        }

        String text(String name) {
            JsonNode n = req.get(name);
            if (n == null || !n.isTextual()) throw new BadRequest("\"" + name + "\" must be a string");
            return n.textValue();
        }

        int integer(String name) {
            return intOf(req.get(name), name);
        }

        JsonNode array(String name, boolean required) {
            JsonNode n = req.get(name);
            if (n == null || n.isNull()) {
                if (required) throw new BadRequest("\"" + name + "\" must be an array");
                return JSON.arrayNode();
            }
            if (!n.isArray()) throw new BadRequest("\"" + name + "\" must be an array");
            return n;
        }

        JsonNode object(String name, boolean required) {
            JsonNode n = req.get(name);
            if (n == null || n.isNull()) {
                if (required) throw new BadRequest("\"" + name + "\" must be an object");
                return JSON.objectNode();
            }
            if (!n.isObject()) throw new BadRequest("\"" + name + "\" must be an object");
            return n;
        }
    }

    static int intOf(JsonNode n, String name) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt())
            throw new BadRequest("\"" + name + "\" must be an integer");
        return n.intValue();
    }

    static String textOf(JsonNode n, String name) {
        if (n == null || !n.isTextual()) throw new BadRequest("\"" + name + "\" must be a string");
        return n.textValue();
    }

    JsonNode dispatch(Call c) throws Throwable {
        JsonNode op = c.req.get("op");
        if (op == null || !op.isTextual()) throw new BadRequest("\"op\" must be a string");
        Supplier<JsonNode> own = ownOps.get(op.textValue());
        if (own != null) return own.get();
        admin();
        switch (op.textValue()) {
            case "partitions": return partitions(c);
            case "quorum": return quorum(c);
            case "addVoter": return addVoter(c);
            case "removeVoter": return removeVoter(c);
            case "features": return features(c);
            case "updateFeatures": return updateFeatures(c);
            case "brokers": return brokers(c);
            case "activeController": return activeController(c);
            case "unregisterBroker": return unregisterBroker(c);
            case "describeConfigs": return describeConfigs(c);
            case "alterConfigs": return alterConfigs(c);
            case "createAcls": return createAcls(c);
            case "deleteAcls": return deleteAcls(c);
            case "alterScram": return alterScram(c);
            case "alterQuotas": return alterQuotas(c);
            case "topic": return topic(c);
            case "createTopic": return createTopic(c);
            case "createPartitions": return createPartitions(c);
            case "deleteTopic": return deleteTopic(c);
            case "generateAssignment": return generateAssignment(c);
            case "executeReassignment": return executeReassignment(c);
            case "verifyReassignment": return verifyReassignment(c);
            case "electPreferred": return electPreferred(c);
            default: throw new BadRequest("unknown op '" + op.textValue() + "'");
        }
    }

    // --- Topics and partitions -------------------------------------------------------------------

    JsonNode partitions(Call c) throws Exception {
        Set<String> names = c.get(admin.listTopics(new ListTopicsOptions().listInternal(true).timeoutMs(c.ms())).names());
        ArrayNode result = JSON.arrayNode();
        if (names.isEmpty()) return result;
        Map<String, KafkaFuture<TopicDescription>> described =
            admin.describeTopics(names, new DescribeTopicsOptions().timeoutMs(c.ms())).topicNameValues();
        List<ConfigResource> resources = new ArrayList<>();
        for (String name : names) resources.add(new ConfigResource(ConfigResource.Type.TOPIC, name));
        Map<ConfigResource, KafkaFuture<Config>> configs =
            admin.describeConfigs(resources, new DescribeConfigsOptions().timeoutMs(c.ms())).values();

        List<TopicDescription> topics = new ArrayList<>();
        Map<String, Integer> minIsr = new TreeMap<>();
        for (String name : new java.util.TreeSet<>(names)) {
            // A topic deleted since it was listed is left out, not an error.
            TopicDescription td = orNullIfUnknown(c, described.get(name));
            Config config = orNullIfUnknown(c, configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)));
            if (td == null || config == null) continue;
            topics.add(td);
            ConfigEntry entry = config.get("min.insync.replicas");
            if (entry != null && entry.value() != null) minIsr.put(name, Integer.parseInt(entry.value()));
        }
        for (TopicDescription td : topics) {
            List<TopicPartitionInfo> parts = new ArrayList<>(td.partitions());
            parts.sort(Comparator.comparingInt(TopicPartitionInfo::partition));
            for (TopicPartitionInfo p : parts) {
                ObjectNode o = result.addObject();
                o.put("topic", td.name());
                o.put("partition", p.partition());
                o.put("leader", p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id());
                o.set("replicas", nodeIds(p.replicas()));
                o.set("isr", nodeIds(p.isr()));
                Integer isr = minIsr.get(td.name());
                if (isr == null) o.putNull("minIsr");
                else o.put("minIsr", isr);
            }
        }
        return result;
    }

    static <T> T orNullIfUnknown(Call c, KafkaFuture<T> future) throws Exception {
        try {
            return c.get(future);
        } catch (ExecutionException e) {
            if (rootCause(e) instanceof UnknownTopicOrPartitionException) return null;
            throw e;
        }
    }

    static ArrayNode nodeIds(List<Node> nodes) {
        ArrayNode a = JSON.arrayNode();
        for (Node n : nodes) a.add(n.id());
        return a;
    }

    JsonNode topic(Call c) throws Exception {
        String name = c.text("name");
        TopicDescription td;
        Config config;
        try {
            td = c.get(admin.describeTopics(List.of(name), new DescribeTopicsOptions().timeoutMs(c.ms())).allTopicNames()).get(name);
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, name);
            config = c.get(admin.describeConfigs(List.of(res), new DescribeConfigsOptions().timeoutMs(c.ms())).all()).get(res);
        } catch (ExecutionException e) {
            if (rootCause(e) instanceof UnknownTopicOrPartitionException) return NullNode.getInstance();
            throw e;
        }
        ObjectNode o = JSON.objectNode();
        o.put("name", td.name());
        o.put("topicId", td.topicId() == null ? "" : td.topicId().toString());
        o.put("partitions", td.partitions().size());
        int rf = 0;
        for (TopicPartitionInfo p : td.partitions()) if (p.partition() == 0) rf = p.replicas().size();
        o.put("replicationFactor", rf);
        ObjectNode configs = o.putObject("configs");
        Map<String, String> dynamic = new TreeMap<>();
        for (ConfigEntry e : config.entries())
            if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) dynamic.put(e.name(), e.value());
        dynamic.forEach(configs::put);
        return o;
    }

    JsonNode createTopic(Call c) throws Exception {
        String name = c.text("name");
        JsonNode p = c.req.get("partitions");
        JsonNode rf = c.req.get("replicationFactor");
        Optional<Integer> partitions = p == null || p.isNull() ? Optional.empty() : Optional.of(intOf(p, "partitions"));
        Optional<Short> replication = rf == null || rf.isNull() ? Optional.empty() : Optional.of((short) intOf(rf, "replicationFactor"));
        NewTopic topic = new NewTopic(name, partitions, replication);
        Map<String, String> configs = stringMap(c.object("configs", false), "configs");
        if (!configs.isEmpty()) topic.configs(configs);
        c.get(admin.createTopics(List.of(topic), new CreateTopicsOptions().timeoutMs(c.ms())).all());
        return null;
    }

    JsonNode createPartitions(Call c) throws Exception {
        String name = c.text("name");
        int total = c.integer("total");
        c.get(admin.createPartitions(Map.of(name, NewPartitions.increaseTo(total)), new CreatePartitionsOptions().timeoutMs(c.ms())).all());
        return null;
    }

    JsonNode deleteTopic(Call c) throws Exception {
        String name = c.text("name");
        try {
            c.get(admin.deleteTopics(List.of(name), new DeleteTopicsOptions().timeoutMs(c.ms())).all());
        } catch (ExecutionException e) {
            if (!(rootCause(e) instanceof UnknownTopicOrPartitionException)) throw e;
        }
        return null;
    }

    /** A JSON object of scalars as strings (numbers and booleans as written). */
    static Map<String, String> stringMap(JsonNode obj, String what) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : obj.properties()) {
            if (!e.getValue().isValueNode() || e.getValue().isNull())
                throw new BadRequest("\"" + what + "\"." + e.getKey() + " must be a string or a number");
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    // --- The metadata quorum ---------------------------------------------------------------------

    // RaftVoterEndpoint.name(): listener() replaces it from Kafka 4.3 on, but 4.0 has name() only.
    @SuppressWarnings("removal")
    JsonNode quorum(Call c) throws Exception {
        QuorumInfo q = c.get(admin.describeMetadataQuorum(new DescribeMetadataQuorumOptions().timeoutMs(c.ms())).quorumInfo());
        ObjectNode o = JSON.objectNode();
        o.put("leaderId", q.leaderId());
        o.put("leaderEpoch", q.leaderEpoch());
        o.put("highWatermark", q.highWatermark());
        ArrayNode voters = o.putArray("voters");
        for (QuorumInfo.ReplicaState r : q.voters()) {
            ObjectNode v = replica(r);
            ArrayNode endpoints = v.putArray("endpoints");
            QuorumInfo.Node node = q.nodes() == null ? null : q.nodes().get(r.replicaId());
            if (node != null) {
                for (RaftVoterEndpoint e : node.endpoints()) {
                    String host = e.host().contains(":") ? "[" + e.host() + "]" : e.host();
                    endpoints.add(e.name() + "://" + host + ":" + e.port());
                }
            }
            voters.add(v);
        }
        ArrayNode observers = o.putArray("observers");
        for (QuorumInfo.ReplicaState r : q.observers()) observers.add(replica(r));
        return o;
    }

    static ObjectNode replica(QuorumInfo.ReplicaState r) {
        ObjectNode o = JSON.objectNode();
        o.put("id", r.replicaId());
        Uuid dir = r.replicaDirectoryId();
        o.put("directoryId", dir == null || Uuid.ZERO_UUID.equals(dir) ? "" : dir.toString());
        o.put("logEndOffset", r.logEndOffset());
        o.put("lastFetchTimestamp", orMinusOne(r.lastFetchTimestamp()));
        o.put("lastCaughtUpTimestamp", orMinusOne(r.lastCaughtUpTimestamp()));
        return o;
    }

    static long orMinusOne(OptionalLong v) {
        return v != null && v.isPresent() ? v.getAsLong() : -1;
    }

    static Uuid uuid(Call c, String name) {
        String s = c.text(name);
        try {
            return Uuid.fromString(s);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("\"" + name + "\" is no Kafka Uuid: " + e.getMessage());
        }
    }

    // The node is "nodeId", not "id": "id" is the request's own.
    JsonNode addVoter(Call c) throws Exception {
        int id = c.integer("nodeId");
        Uuid dir = uuid(c, "directoryId");
        Set<RaftVoterEndpoint> endpoints = new LinkedHashSet<>();
        for (JsonNode e : c.array("endpoints", true)) {
            if (!e.isObject()) throw new BadRequest("\"endpoints\" holds objects {name, host, port}");
            endpoints.add(new RaftVoterEndpoint(textOf(e.get("name"), "name"), textOf(e.get("host"), "host"), intOf(e.get("port"), "port")));
        }
        c.get(admin.addRaftVoter(id, dir, endpoints, new AddRaftVoterOptions().timeoutMs(c.ms())).all());
        return null;
    }

    JsonNode removeVoter(Call c) throws Exception {
        int id = c.integer("nodeId");
        Uuid dir = uuid(c, "directoryId");
        c.get(admin.removeRaftVoter(id, dir, new RemoveRaftVoterOptions().timeoutMs(c.ms())).all());
        return null;
    }

    // --- Features --------------------------------------------------------------------------------

    JsonNode features(Call c) throws Exception {
        FeatureMetadata fm = c.get(admin.describeFeatures(new DescribeFeaturesOptions().timeoutMs(c.ms())).featureMetadata());
        ObjectNode o = JSON.objectNode();
        for (Map.Entry<String, SupportedVersionRange> e : new TreeMap<>(fm.supportedFeatures()).entrySet()) {
            String name = e.getKey();
            FinalizedVersionRange finalized = fm.finalizedFeatures().get(name);
            ObjectNode f = o.putObject(name);
            f.put("supportedMin", level(name, e.getValue().minVersion()));
            f.put("supportedMax", level(name, e.getValue().maxVersion()));
            f.put("finalized", finalized == null ? "0" : level(name, finalized.maxVersionLevel()));
        }
        return o;
    }

    /** A feature level as kafka-features describe prints it: metadata.version's by its release name. */
    static String level(String feature, short level) {
        if (feature.equals(MetadataVersion.FEATURE_NAME)) {
            try {
                return MetadataVersion.fromFeatureLevel(level).version();
            } catch (RuntimeException e) {
                return Short.toString(level);
            }
        }
        return Short.toString(level);
    }

    JsonNode updateFeatures(Call c) throws Exception {
        Map<String, FeatureUpdate> updates = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : c.object("updates", true).properties()) {
            int level = intOf(e.getValue(), "updates." + e.getKey());
            if (level < 0 || level > Short.MAX_VALUE) throw new BadRequest("updates." + e.getKey() + " is no feature level");
            updates.put(e.getKey(), new FeatureUpdate((short) level, FeatureUpdate.UpgradeType.UPGRADE));
        }
        c.get(admin.updateFeatures(updates, new UpdateFeaturesOptions().timeoutMs(c.ms())).all());
        return null;
    }

    // --- Brokers ---------------------------------------------------------------------------------

    JsonNode brokers(Call c) throws Exception {
        DescribeClusterResult r = admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true).timeoutMs(c.ms()));
        Collection<Node> nodes = c.get(r.nodes());
        Node controller = c.get(r.controller());
        ObjectNode o = JSON.objectNode();
        o.put("controllerId", controller == null || controller.isEmpty() ? -1 : controller.id());
        ArrayNode brokers = o.putArray("brokers");
        List<Node> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparingInt(Node::id));
        for (Node n : sorted) {
            ObjectNode b = brokers.addObject();
            b.put("id", n.id());
            b.put("host", n.host());
            b.put("port", n.port());
            b.put("fenced", n.isFenced());
        }
        return o;
    }

    // The active controller as the node asked knows it (-1: none known). Asked of the controllers
    // (--bootstrap-controller), each answers for itself: no request is routed to a leader that is gone.
    // An Admin on controllers does not find them again once every one was gone (a full restart): a
    // call that failed starts the next on a new one.
    JsonNode activeController(Call c) throws Exception {
        Admin asked = admin;
        try {
            Node controller = c.get(asked.describeCluster(new DescribeClusterOptions().timeoutMs(c.ms())).controller());
            return JSON.numberNode(controller == null || controller.isEmpty() ? -1 : controller.id());
        } catch (Exception e) {
            renew(asked);
            throw e;
        }
    }

    synchronized void renew(Admin stale) {
        if (admin != stale) return;
        admin = null;
        stale.close(Duration.ZERO);
    }

    JsonNode unregisterBroker(Call c) throws Exception {
        // Not chained: in Kafka 4.0, UnregisterBrokerOptions.timeoutMs returns an UpdateFeaturesOptions.
        UnregisterBrokerOptions options = new UnregisterBrokerOptions();
        options.timeoutMs(c.ms());
        c.get(admin.unregisterBroker(c.integer("nodeId"), options).all());
        return null;
    }

    // --- Configs ---------------------------------------------------------------------------------

    static ConfigResource resource(JsonNode r) {
        if (r == null || !r.isObject()) throw new BadRequest("a resource is an object {type, name}");
        String type = textOf(r.get("type"), "type");
        String name = textOf(r.get("name"), "name");
        switch (type) {
            case "broker": return new ConfigResource(ConfigResource.Type.BROKER, name);
            case "topic": return new ConfigResource(ConfigResource.Type.TOPIC, name);
            default: throw new BadRequest("a resource's type is \"broker\" or \"topic\", not '" + type + "'");
        }
    }

    JsonNode describeConfigs(Call c) throws Exception {
        List<ConfigResource> asked = new ArrayList<>();
        for (JsonNode r : c.array("resources", true)) asked.add(resource(r));
        ArrayNode result = JSON.arrayNode();
        if (asked.isEmpty()) return result;
        Map<ConfigResource, Config> configs = c.get(admin.describeConfigs(new LinkedHashSet<>(asked),
            new DescribeConfigsOptions().includeSynonyms(false).timeoutMs(c.ms())).all());
        for (ConfigResource res : asked) {
            ObjectNode o = result.addObject();
            List<ConfigEntry> entries = new ArrayList<>(configs.get(res).entries());
            entries.sort(Comparator.comparing(ConfigEntry::name));
            for (ConfigEntry e : entries) {
                ObjectNode v = o.putObject(e.name());
                v.put("value", e.value());
                v.put("source", e.source().name());
                v.put("readOnly", e.isReadOnly());
                v.put("sensitive", e.isSensitive());
            }
        }
        return result;
    }

    JsonNode alterConfigs(Call c) throws Exception {
        ConfigResource res = resource(c.req.get("resource"));
        List<AlterConfigOp> ops = new ArrayList<>();
        stringMap(c.object("set", false), "set").forEach((k, v) ->
            ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        for (JsonNode k : c.array("delete", false))
            ops.add(new AlterConfigOp(new ConfigEntry(textOf(k, "delete[]"), null), AlterConfigOp.OpType.DELETE));
        if (ops.isEmpty()) return null;
        c.get(admin.incrementalAlterConfigs(Map.of(res, ops), new AlterConfigsOptions().timeoutMs(c.ms())).all());
        return null;
    }

    // --- ACLs ------------------------------------------------------------------------------------

    /** "DescribeConfigs" → "DESCRIBE_CONFIGS": the enum name of the name the Kafka CLI gives (its own converter is internal, and moved in 4.4). */
    static String enumNameOf(String pascal) {
        return pascal.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    static AclBinding aclBinding(JsonNode a) {
        if (a == null || !a.isObject()) throw new BadRequest("an ACL is an object {principal, host, operation, permission, resourceType, resourceName, patternType}");
        ResourceType resourceType = ResourceType.fromString(enumNameOf(textOf(a.get("resourceType"), "resourceType")));
        if (resourceType == ResourceType.UNKNOWN || resourceType == ResourceType.ANY)
            throw new BadRequest("unknown resourceType '" + a.get("resourceType").textValue() + "'");
        JsonNode pt = a.get("patternType");
        PatternType patternType = pt == null || pt.isNull() ? PatternType.LITERAL
            : PatternType.fromString(textOf(pt, "patternType").toUpperCase(Locale.ROOT));
        if (!patternType.isSpecific()) throw new BadRequest("patternType is \"Literal\" or \"Prefixed\", not '" + pt.asText() + "'");
        AclOperation operation = AclOperation.fromString(enumNameOf(textOf(a.get("operation"), "operation")));
        if (operation == AclOperation.UNKNOWN || operation == AclOperation.ANY)
            throw new BadRequest("unknown operation '" + a.get("operation").textValue() + "'");
        AclPermissionType permission = AclPermissionType.fromString(enumNameOf(textOf(a.get("permission"), "permission")));
        if (permission == AclPermissionType.UNKNOWN || permission == AclPermissionType.ANY)
            throw new BadRequest("unknown permission '" + a.get("permission").textValue() + "'");
        JsonNode host = a.get("host");
        return new AclBinding(
            new ResourcePattern(resourceType, textOf(a.get("resourceName"), "resourceName"), patternType),
            new AccessControlEntry(textOf(a.get("principal"), "principal"),
                host == null || host.isNull() ? "*" : textOf(host, "host"), operation, permission));
    }

    JsonNode createAcls(Call c) throws Exception {
        List<AclBinding> bindings = new ArrayList<>();
        for (JsonNode a : c.array("acls", true)) bindings.add(aclBinding(a));
        if (bindings.isEmpty()) return null;
        c.get(admin.createAcls(bindings, new CreateAclsOptions().timeoutMs(c.ms())).all());
        return null;
    }

    JsonNode deleteAcls(Call c) throws Exception {
        List<AclBindingFilter> filters = new ArrayList<>();
        for (JsonNode a : c.array("acls", true)) {
            AclBinding b = aclBinding(a);
            filters.add(new AclBindingFilter(
                new ResourcePatternFilter(b.pattern().resourceType(), b.pattern().name(), b.pattern().patternType()),
                new AccessControlEntryFilter(b.entry().principal(), b.entry().host(), b.entry().operation(), b.entry().permissionType())));
        }
        if (filters.isEmpty()) return null;
        c.get(admin.deleteAcls(filters, new DeleteAclsOptions().timeoutMs(c.ms())).all());
        return null;
    }

    // --- SCRAM credentials and quotas ------------------------------------------------------------

    static ScramMechanism mechanism(JsonNode n) {
        ScramMechanism m = ScramMechanism.fromMechanismName(textOf(n, "mechanism"));
        if (m == ScramMechanism.UNKNOWN)
            throw new BadRequest("mechanism is SCRAM-SHA-256 or SCRAM-SHA-512, not '" + n.textValue() + "'");
        return m;
    }

    JsonNode alterScram(Call c) throws Exception {
        List<UserScramCredentialAlteration> alterations = new ArrayList<>();
        // Deletions first: of a user's changes to one mechanism, the upsert is the last word.
        for (JsonNode d : c.array("deletions", false)) {
            if (!d.isObject()) throw new BadRequest("a deletion is an object {user, mechanism}");
            alterations.add(new UserScramCredentialDeletion(textOf(d.get("user"), "user"), mechanism(d.get("mechanism"))));
        }
        for (JsonNode u : c.array("upserts", false)) {
            if (!u.isObject()) throw new BadRequest("an upsert is an object {user, mechanism, iterations, password}");
            JsonNode it = u.get("iterations");
            int iterations = it == null || it.isNull() ? 4096 : intOf(it, "iterations");
            JsonNode password = u.get("password");
            // Never repeat the password, not even in an error.
            if (password == null || !password.isTextual()) throw new BadRequest("\"password\" must be a string");
            alterations.add(new UserScramCredentialUpsertion(textOf(u.get("user"), "user"),
                new ScramCredentialInfo(mechanism(u.get("mechanism")), iterations), password.textValue()));
        }
        // A KRaft controller takes one change per user and request (DuplicateResourceException
        // otherwise, even for two mechanisms): a user's second change goes in a second request, etc.
        List<List<UserScramCredentialAlteration>> rounds = new ArrayList<>();
        Map<String, Integer> changesOfUser = new TreeMap<>();
        for (UserScramCredentialAlteration a : alterations) {
            int round = changesOfUser.merge(a.user(), 1, Integer::sum) - 1;
            if (round == rounds.size()) rounds.add(new ArrayList<>());
            rounds.get(round).add(a);
        }
        for (List<UserScramCredentialAlteration> round : rounds)
            c.get(admin.alterUserScramCredentials(round, new AlterUserScramCredentialsOptions().timeoutMs(c.ms())).all());
        return null;
    }

    JsonNode alterQuotas(Call c) throws Exception {
        ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, c.text("user")));
        List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : c.object("set", false).properties()) {
            if (!e.getValue().isNumber()) throw new BadRequest("\"set\"." + e.getKey() + " must be a number");
            ops.add(new ClientQuotaAlteration.Op(e.getKey(), e.getValue().doubleValue()));
        }
        for (JsonNode k : c.array("delete", false)) ops.add(new ClientQuotaAlteration.Op(textOf(k, "delete[]"), null));
        if (ops.isEmpty()) return null;
        c.get(admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, ops)), new AlterClientQuotasOptions().timeoutMs(c.ms())).all());
        return null;
    }

    // --- Reassignment: the reassignment tool's own code, called in-process ----------------------
    // Its entry points are static methods whose visibility and parameter types (boxed or not, and
    // executeAssignment's disallowReplicationFactorChange since 4.1) vary between Kafka 4.x
    // releases, so they are called by reflection. They print what the CLI prints to System.out,
    // which is stderr here.

    static Method toolMethod(String name) {
        for (Method m : ReassignPartitionsCommand.class.getDeclaredMethods()) {
            if (m.getName().equals(name) && Modifier.isStatic(m.getModifiers())
                && m.getParameterCount() > 0 && m.getParameterTypes()[0] == Admin.class) {
                m.setAccessible(true);
                return m;
            }
        }
        throw new IllegalStateException("this Kafka's ReassignPartitionsCommand has no " + name + "(Admin, ...)");
    }

    /** Runs one tool entry point, waiting for it no longer than the request's time left. */
    Object runTool(Call c, Method m, Object... args) throws Exception {
        Future<Object> f = toolCalls.submit(() -> m.invoke(null, args));
        try {
            return f.get(c.ms() + WAIT_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            throw new TimeoutException("the reassignment tool did not finish within " + c.timeoutMs + " ms");
        }
    }

    /** Reads a record component or field (the tool's result types are records in some versions, classes in others). */
    static Object member(Object o, String name) throws ReflectiveOperationException {
        for (Class<?> k = o.getClass(); k != null; k = k.getSuperclass()) {
            try {
                Method m = k.getDeclaredMethod(name);
                m.setAccessible(true);
                return m.invoke(o);
            } catch (NoSuchMethodException e) {
                try {
                    Field f = k.getDeclaredField(name);
                    f.setAccessible(true);
                    return f.get(o);
                } catch (NoSuchFieldException ignored) {
                    // the superclass, maybe
                }
            }
        }
        throw new NoSuchFieldException(o.getClass().getName() + "." + name);
    }

    static List<TopicPartition> sortedPartitions(Collection<TopicPartition> parts) {
        List<TopicPartition> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        return sorted;
    }

    /** {"version":1,"partitions":[{"topic","partition","replicas"}]}: the tool's reassignment JSON. */
    String reassignmentJson(Call c) throws JsonProcessingException {
        ObjectNode json = JSON.objectNode();
        json.put("version", 1);
        ArrayNode parts = json.putArray("partitions");
        for (JsonNode p : c.array("partitions", true)) {
            if (!p.isObject()) throw new BadRequest("\"partitions\" holds objects {topic, partition, replicas}");
            ObjectNode o = parts.addObject();
            o.put("topic", textOf(p.get("topic"), "topic"));
            o.put("partition", intOf(p.get("partition"), "partition"));
            ArrayNode replicas = o.putArray("replicas");
            JsonNode r = p.get("replicas");
            if (r == null || !r.isArray()) throw new BadRequest("\"replicas\" must be an array of broker ids");
            for (JsonNode id : r) replicas.add(intOf(id, "replicas[]"));
        }
        return mapper.writeValueAsString(json);
    }

    JsonNode generateAssignment(Call c) throws Exception {
        ObjectNode json = JSON.objectNode();
        json.put("version", 1);
        ArrayNode topics = json.putArray("topics");
        for (JsonNode t : c.array("topics", true)) topics.addObject().put("topic", textOf(t, "topics[]"));
        StringBuilder brokers = new StringBuilder();
        for (JsonNode b : c.array("brokers", true)) {
            if (brokers.length() > 0) brokers.append(',');
            brokers.append(intOf(b, "brokers[]"));
        }
        if (topics.isEmpty() || brokers.length() == 0) throw new BadRequest("\"topics\" and \"brokers\" must not be empty");
        Object proposal = runTool(c, toolMethod("generateAssignment"), admin, mapper.writeValueAsString(json), brokers.toString(), false);
        @SuppressWarnings("unchecked")
        Map<TopicPartition, List<Integer>> proposed = ((Map.Entry<Map<TopicPartition, List<Integer>>, ?>) proposal).getKey();
        ArrayNode result = JSON.arrayNode();
        for (TopicPartition tp : sortedPartitions(proposed.keySet())) {
            ObjectNode o = result.addObject();
            o.put("topic", tp.topic());
            o.put("partition", tp.partition());
            ArrayNode replicas = o.putArray("replicas");
            proposed.get(tp).forEach(replicas::add);
        }
        return result;
    }

    JsonNode executeReassignment(Call c) throws Exception {
        String json = reassignmentJson(c);
        JsonNode t = c.req.get("throttle");
        long throttle = t == null || t.isNull() ? -1 : t.asLong(-1);
        if (t != null && !t.isNull() && !t.isIntegralNumber()) throw new BadRequest("\"throttle\" must be an integer (bytes/s)");
        Method m = toolMethod("executeAssignment");
        // (admin, additional, json, interBrokerThrottle, logDirThrottle, timeoutMs, time[, disallowReplicationFactorChange])
        List<Object> args = new ArrayList<>(List.of(admin, false, json, throttle, -1L, c.timeoutMs, Time.SYSTEM));
        if (m.getParameterCount() == 8) args.add(false);
        else if (m.getParameterCount() != 7)
            throw new IllegalStateException("this Kafka's ReassignPartitionsCommand.executeAssignment takes " + m.getParameterCount() + " parameters, not 7 or 8");
        runTool(c, m, args.toArray());
        return null;
    }

    JsonNode verifyReassignment(Call c) throws Exception {
        String json = reassignmentJson(c);
        // preserveThrottles=false: once nothing moves any more, the tool removes the throttles.
        Object result = runTool(c, toolMethod("verifyAssignment"), admin, json, false);
        @SuppressWarnings("unchecked")
        Map<TopicPartition, Object> states = (Map<TopicPartition, Object>) member(result, "partStates");
        boolean partsOngoing = (Boolean) member(result, "partsOngoing");
        boolean movesOngoing = (Boolean) member(result, "movesOngoing");
        ObjectNode o = JSON.objectNode();
        // done: no reassignment in progress any more (as the tool decides before it clears the throttles);
        // pending: the partitions that are not (yet) on their target replicas.
        o.put("done", !partsOngoing && !movesOngoing);
        ArrayNode pending = o.putArray("pending");
        for (TopicPartition tp : sortedPartitions(states.keySet())) {
            Object state = states.get(tp);
            boolean done = (Boolean) member(state, "done");
            List<?> current = (List<?>) member(state, "currentReplicas");
            List<?> target = (List<?>) member(state, "targetReplicas");
            if (!done) pending.add(tp + ": still in progress");
            else if (!current.equals(target))
                pending.add(tp + ": no reassignment in progress, but the replicas are " + joined(current) + " rather than " + joined(target));
        }
        return o;
    }

    static String joined(List<?> ids) {
        StringBuilder s = new StringBuilder();
        for (Object id : ids) {
            if (s.length() > 0) s.append(',');
            s.append(id);
        }
        return s.toString();
    }

    // --- Leaders ---------------------------------------------------------------------------------

    JsonNode electPreferred(Call c) throws Exception {
        Map<TopicPartition, Optional<Throwable>> results =
            c.get(admin.electLeaders(ElectionType.PREFERRED, null, new ElectLeadersOptions().timeoutMs(c.ms())).partitions());
        int elected = 0;
        for (TopicPartition tp : sortedPartitions(results.keySet())) {
            Optional<Throwable> error = results.get(tp);
            if (error.isEmpty()) {
                elected++;
            } else if (!(rootCause(error.get()) instanceof ElectionNotNeededException)) {
                throw new ExecutionException(tp + ": " + error.get().getMessage(), error.get());
            }
        }
        return JSON.numberNode(elected);
    }
}
