// KraftlabAgent: KraftlabAdmin kept alive across kraftlab's commands, one per lab connection, so that a
// command asks the cluster without starting a JVM. It serves KraftlabAdmin's protocol (JSON lines) to
// each connection of a unix socket that only its owner reaches (the socket 0600, in a 0700 directory):
//
//   java … KraftlabAgent --socket FILE --identity KEY [--idle-seconds N] [--watch FILE]… [--watch-exists FILE]…
//        (--bootstrap-server | --bootstrap-controller) HOST:PORT[,...] [--command-config FILE]
//
// It answers {"op": "hello"} with its identity (what the client computed from the connection's
// settings and files) and pid, so that a client never trusts an agent made for other settings. It goes
// when no connection was open for --idle-seconds, when a --watch file changes or disappears (the
// lab's credentials or CA rotated, or the lab was destroyed) or a --watch-exists file disappears (the
// hosts file its client rewrites as containers move), when its socket is no longer its own, or
// on {"op": "exit"} (answered first); it removes its socket, record and log as it goes.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public final class KraftlabAgent {
    final Path socket;
    final String identity;
    final long idleNs;
    final List<Path> watched;
    final List<String> seen = new ArrayList<>();
    final List<Path> mustExist;
    final AtomicInteger open = new AtomicInteger();
    final AtomicLong lastActive = new AtomicLong(System.nanoTime());
    Object socketKey;

    KraftlabAgent(Path socket, String identity, long idleSeconds, List<Path> watched, List<Path> mustExist) {
        this.socket = socket;
        this.identity = identity;
        this.idleNs = idleSeconds * 1_000_000_000L;
        this.watched = watched;
        this.mustExist = mustExist;
        for (Path p : watched) seen.add(stamp(p));
    }

    /** A file as far as the agent cares: gone, or its size and time. */
    static String stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.size() + ":" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return "gone";
        }
    }

    /** Splits the agent's own arguments from KraftlabAdmin's, and serves. */
    public static void main(String[] args) throws IOException {
        Path socket = null;
        String identity = null;
        long idle = 120;
        List<Path> watched = new ArrayList<>();
        List<Path> mustExist = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            boolean value = i + 1 < args.length;
            switch (args[i]) {
                case "--socket" -> socket = value ? Path.of(args[++i]) : null;
                case "--identity" -> identity = value ? args[++i] : null;
                case "--idle-seconds" -> idle = value ? Long.parseLong(args[++i]) : idle;
                case "--watch" -> { if (value) watched.add(Path.of(args[++i])); }
                case "--watch-exists" -> { if (value) mustExist.add(Path.of(args[++i])); }
                default -> rest.add(args[i]);
            }
        }
        if (socket == null || identity == null) KraftlabAdmin.die(2, "--socket FILE and --identity KEY are required");
        KraftlabAgent agent = new KraftlabAgent(socket, identity, idle, watched, mustExist);
        KraftlabAdmin[] admin = new KraftlabAdmin[1];
        // exit answers first, then goes: the client waits for the answer.
        admin[0] = KraftlabAdmin.fromArgs(rest.toArray(new String[0]), null, Map.of(
            "hello", agent::hello,
            "exit", () -> {
                Thread later = new Thread(() -> agent.stop(admin[0], "asked to"), "kraftlab-agent-exit");
                later.start();
                return NullNode.getInstance();
            }));
        agent.serve(admin[0]);
    }

    /** What {"op": "hello"} answers. */
    JsonNode hello() {
        return KraftlabAdmin.JSON.objectNode().put("identity", identity).put("pid", ProcessHandle.current().pid());
    }

    void serve(KraftlabAdmin admin) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        // Bound where no other agent is: an agent already serving this socket wins, this one goes.
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            KraftlabAdmin.die(3, "cannot serve " + socket + ": " + e.getMessage());
        }
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        socketKey = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        Thread watchdog = new Thread(() -> watch(admin), "kraftlab-agent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        while (true) {
            SocketChannel channel = server.accept();
            open.incrementAndGet();
            Thread t = new Thread(() -> connection(admin, channel), "kraftlab-agent-connection");
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * The channel as streams that read and write at once: Channels.newInputStream and newOutputStream
     * share the channel's blocking lock, so an answer would wait for the next request to be read.
     */
    static InputStream input(SocketChannel ch) {
        return new InputStream() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : ch.read(ByteBuffer.wrap(b, off, len));
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }
        };
    }

    static OutputStream output(SocketChannel ch) {
        return new OutputStream() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer bb = ByteBuffer.wrap(b, off, len);
                while (bb.hasRemaining()) ch.write(bb);
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }
        };
    }

    /** One connection: its requests, each answered on it, until it closes. */
    void connection(KraftlabAdmin admin, SocketChannel channel) {
        OutputStream out = output(channel);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(input(channel), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lastActive.set(System.nanoTime());
                if (!line.isBlank()) admin.accept(line, out);
            }
        } catch (IOException e) {
            // the command that connected has gone: nothing to answer
        } finally {
            open.decrementAndGet();
            lastActive.set(System.nanoTime());
        }
    }

    /** Once a second: idle for too long, a watched file changed, or the socket taken away: the agent goes. */
    void watch(KraftlabAdmin admin) {
        while (true) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            if (open.get() == 0 && System.nanoTime() - lastActive.get() > idleNs) stop(admin, "idle");
            for (int i = 0; i < watched.size(); i++) {
                if (!stamp(watched.get(i)).equals(seen.get(i))) stop(admin, watched.get(i) + " changed");
            }
            for (Path p : mustExist) if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) stop(admin, p + " is gone");
            if (!Objects.equals(currentSocketKey(), socketKey)) stop(admin, "its socket was removed");
        }
    }

    Object currentSocketKey() {
        try {
            return Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Removes the socket, and beside it the record and the log the client made for it, if the socket is
     * still this agent's; closes the Admin client, and exits. (An agent that could not start leaves its
     * log, which the client names.)
     */
    synchronized void stop(KraftlabAdmin admin, String why) {
        try {
            if (Objects.equals(currentSocketKey(), socketKey)) {
                String base = socket.toString().replaceFirst("\\.sock$", "");
                for (String file : new String[] {socket.toString(), base + ".json", base + ".log"}) Files.deleteIfExists(Path.of(file));
            }
        } catch (IOException e) {
            // gone already
        }
        admin.close();
        System.exit(0);
    }
}
