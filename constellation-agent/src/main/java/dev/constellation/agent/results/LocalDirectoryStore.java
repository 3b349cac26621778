package dev.constellation.agent.results;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The local results store: one JSON-lines file per agent, {@code <dir>/<agentId>.jsonl}, appended
 * at every flush. Local runs use it; it can be read while agents still write (see {@link Tail}).
 */
public final class LocalDirectoryStore implements ResultsSource {

  private final Path dir;

  /**
   * A store rooted at a directory.
   *
   * @param dir the records directory of one run, created on first write
   */
  public LocalDirectoryStore(Path dir) {
    this.dir = dir;
  }

  /** The directory this store reads and writes. */
  public Path directory() {
    return dir;
  }

  /**
   * A sink appending one agent's records to its own file.
   *
   * @param agentId the agent, used as the file name
   * @return the sink
   * @throws IOException when the directory cannot be created
   */
  public ResultsSink sink(String agentId) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(safeFileName(agentId) + ".jsonl");
    BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return new ResultsSink() {
      @Override
      public void write(List<IntervalRecord> records) throws IOException {
        for (IntervalRecord r : records) {
          out.write(IntervalRecordCodec.toJsonLine(r));
          out.write('\n');
        }
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  @Override
  public List<IntervalRecord> readRun(String runId) throws IOException {
    List<IntervalRecord> out = new ArrayList<>();
    for (IntervalRecord r : tail().poll()) {
      if (r.runId().equals(runId)) {
        out.add(r);
      }
    }
    return out;
  }

  /** A reader that returns, at each poll, the complete lines added since the previous poll. */
  public Tail tail() {
    return new Tail();
  }

  /** Incremental reader over every agent file of the directory. */
  public final class Tail {
    private final Map<Path, Long> offsets = new HashMap<>();

    private Tail() {}

    /**
     * Reads the records written since the last call.
     *
     * @return new records, possibly none
     * @throws IOException when a file cannot be read
     */
    public List<IntervalRecord> poll() throws IOException {
      List<IntervalRecord> out = new ArrayList<>();
      if (!Files.isDirectory(dir)) {
        return out;
      }
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
      }
      for (Path f : files) {
        long from = offsets.getOrDefault(f, 0L);
        byte[] fresh;
        try (SeekableByteChannel ch = Files.newByteChannel(f, StandardOpenOption.READ)) {
          long size = ch.size();
          if (size <= from) {
            continue;
          }
          ch.position(from);
          try (InputStream in = Channels.newInputStream(ch)) {
            fresh = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, size - from));
          }
        }
        int lastNewline = lastIndexOf(fresh, (byte) '\n');
        if (lastNewline < 0) {
          continue; // a line still being written
        }
        String text = new String(fresh, 0, lastNewline, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
          if (!line.isBlank()) {
            try {
              out.add(IntervalRecordCodec.fromJsonLine(line));
            } catch (IllegalArgumentException e) {
              throw new IOException(f + ": " + e.getMessage(), e);
            }
          }
        }
        offsets.put(f, from + lastNewline + 1);
      }
      return out;
    }
  }

  private static int lastIndexOf(byte[] bytes, byte b) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  static String safeFileName(String agentId) {
    String s = agentId.replaceAll("[^A-Za-z0-9._-]", "_");
    if (s.isEmpty()) {
      throw new UncheckedIOException(new IOException("agent id is empty"));
    }
    return s;
  }
}
