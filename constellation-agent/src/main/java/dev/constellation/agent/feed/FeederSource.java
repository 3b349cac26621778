package dev.constellation.agent.feed;

import dev.constellation.api.Feeder;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One feeder of one agent: its file, checked whole before any load, then streamed as the agent's
 * VUs take rows. {@code unique} and {@code circular} feeders share one sequential reader per
 * agent (under a lock; a VU holds it while one row is parsed); {@code random} feeders keep the
 * byte offset of every row (8 bytes per row) and read the drawn row with a positioned read. No
 * feeder holds its rows in memory.
 */
public final class FeederSource implements AutoCloseable {

  private final Feeder declaration;
  private final String script;
  private final Path path;
  private final String displayName;
  private final RowReader.Format format;
  private final List<String> header;
  private final long rows;
  private final FeedShare share;
  private final long shareRows;
  private final long[] offsets;
  private final long[] lines;
  private final Path temporary;
  private RowReader sequential;
  private long nextRow;
  private boolean exhausted;
  private FileChannel channel;

  private FeederSource(Feeder declaration, String script, Path path, String displayName, Path temporary, FeedShare share) throws IOException {
    this.declaration = declaration;
    this.script = script;
    this.path = path;
    this.displayName = displayName;
    this.temporary = temporary;
    this.share = share;
    this.format = RowReader.Format.of(declaration.file());
    boolean random = declaration.strategy() == Feeder.Strategy.RANDOM;
    LongList offs = random ? new LongList() : null;
    LongList lineNos = random ? new LongList() : null;
    long count = 0;
    List<String> names;
    try (RowReader r = open(0, 1, null)) {
      names = r.header();
      if (names != null) {
        requireColumns(names, 1);
      }
      for (Map<String, String> row = r.next(); row != null; row = r.next()) {
        if (names == null) {
          for (String c : declaration.columns()) {
            if (!row.containsKey(c)) {
              throw new FeederException("feeder file " + displayName + ", line " + r.rowLine() + ", column 1: the object has no field \""
                  + c + "\" (required by @Feeder(columns) of feeder \"" + declaration.name() + "\"); its fields: " + row.keySet());
            }
          }
        }
        if (random) {
          offs.add(r.rowOffset());
          lineNos.add(r.rowLine());
        }
        count++;
      }
    }
    if (count == 0) {
      throw new FeederException("feeder file " + displayName + " has no rows; feeder \"" + declaration.name() + "\" of " + script
          + " needs at least one");
    }
    this.header = names;
    this.rows = count;
    this.offsets = random ? offs.toArray() : null;
    this.lines = random ? lineNos.toArray() : null;
    this.shareRows = declaration.strategy() == Feeder.Strategy.UNIQUE ? share.rowsOf(count) : count;
  }

  /**
   * Finds a feeder's file and checks it whole.
   *
   * @param declaration the {@code @Feeder}
   * @param script the script's name, for messages
   * @param loader where classpath files are looked up (the test classpath)
   * @param share this agent's share of {@code unique} feeders
   * @return the source, ready
   * @throws FeederException when the file is missing or bad, naming file, line and column
   */
  public static FeederSource open(Feeder declaration, String script, ClassLoader loader, FeedShare share) {
    if (declaration.name().isBlank()) {
      throw new FeederException("a @Feeder of " + script + " (file " + declaration.file() + ") has an empty name; give it one, e.g. name = \"users\"");
    }
    String file = declaration.file();
    URL url = file.isBlank() ? null : loader.getResource(file.startsWith("/") ? file.substring(1) : file);
    Path path;
    Path temporary = null;
    String display;
    try {
      if (url != null && "file".equals(url.getProtocol())) {
        path = Path.of(url.toURI());
        display = path.toString();
      } else if (url != null) {
        // inside a jar: one copy per agent, so it can be streamed and read at offsets
        temporary = Files.createTempFile("constellation-feeder-", "-" + Path.of(file).getFileName());
        try (InputStream in = url.openStream()) {
          Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
        }
        temporary.toFile().deleteOnExit();
        path = temporary;
        display = url.toString();
      } else {
        path = Path.of(file).toAbsolutePath();
        display = path.toString();
        if (!Files.isRegularFile(path)) {
          throw new FeederException("feeder \"" + declaration.name() + "\" of " + script + ": file \"" + file
              + "\" is neither on the test classpath (src/test/resources/" + file + ") nor at " + path + "; put it in src/test/resources");
        }
      }
    } catch (IOException | URISyntaxException e) {
      throw new FeederException("feeder \"" + declaration.name() + "\" of " + script + ": file " + file + " cannot be read: " + e.getMessage(), e);
    }
    try {
      return new FeederSource(declaration, script, path, display, temporary, share);
    } catch (IOException e) {
      throw new FeederException("feeder \"" + declaration.name() + "\" of " + script + ": file " + display + " cannot be read: " + e.getMessage(), e);
    }
  }

  private void requireColumns(List<String> names, long line) {
    String[] required = declaration.columns();
    for (String c : required) {
      if (!names.contains(c)) {
        throw new FeederException("feeder file " + displayName + ", line " + line + ", column " + (names.size() + 1) + ": the header has no column \""
            + c + "\" (required by @Feeder(columns) of feeder \"" + declaration.name() + "\"); its columns: " + String.join(", ", names));
      }
    }
  }

  private RowReader open(long offset, long line, List<String> csvHeader) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    ch.position(offset);
    return new RowReader(displayName, format, Channels.newInputStream(ch), offset, line, csvHeader);
  }

  /** The feeder's name. */
  public String name() {
    return declaration.name();
  }

  /** The declaration. */
  public Feeder declaration() {
    return declaration;
  }

  /** Rows in the file. */
  public long rows() {
    return rows;
  }

  /** Rows this agent may hand out: its share for {@code unique}, else every row. */
  public long shareRows() {
    return shareRows;
  }

  /**
   * The next row for the sequential strategies ({@code unique}, {@code circular}).
   *
   * @return the row, or null when a unique feeder's share is used up
   */
  public synchronized Map<String, String> nextSequential() {
    if (exhausted) {
      return null;
    }
    try {
      while (true) {
        if (sequential == null) {
          sequential = open(0, 1, null);
          nextRow = 0;
        }
        Map<String, String> row = sequential.next();
        if (row == null) {
          sequential.close();
          sequential = null;
          if (declaration.strategy() == Feeder.Strategy.UNIQUE) {
            exhausted = true;
            return null;
          }
          continue;
        }
        long index = nextRow++;
        if (declaration.strategy() != Feeder.Strategy.UNIQUE || share.owns(index)) {
          return row;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("feeder file " + displayName + " could not be read: " + e.getMessage(), e);
    }
  }

  /**
   * A row drawn at random ({@code random}).
   *
   * @param random the VU's generator
   * @return the row
   */
  public Map<String, String> nextRandom(SplittableRandom random) {
    int i = random.nextInt(offsets.length);
    try {
      synchronized (this) {
        if (channel == null) {
          channel = FileChannel.open(path, StandardOpenOption.READ);
        }
        channel.position(offsets[i]);
        RowReader r = new RowReader(displayName, format, new BufferedInputStream(Channels.newInputStream(new Unclosable(channel)), 4096),
            offsets[i], lines[i], header);
        return r.next();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("feeder file " + displayName + " could not be read: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (sequential != null) {
      sequential.close();
      sequential = null;
    }
    if (channel != null) {
      channel.close();
      channel = null;
    }
    if (temporary != null) {
      Files.deleteIfExists(temporary);
    }
  }

  /** A growable array of longs. */
  private static final class LongList {
    long[] values = new long[1024];
    int size;

    void add(long v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }

  /** The shared channel, read at a position without being closed by the reader. */
  private static final class Unclosable implements java.nio.channels.ReadableByteChannel {
    private final FileChannel channel;

    Unclosable(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read(java.nio.ByteBuffer dst) throws IOException {
      return channel.read(dst);
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() {
      // the feeder closes the channel
    }
  }
}
