package dev.constellation.agent.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads rows of a feeder file one at a time from a byte stream: CSV with a header (RFC 4180) or
 * JSON lines, strictly UTF-8. Works on bytes (every structural character of both formats is
 * ASCII), so it knows each row's byte offset (for random access) and each line number (for
 * errors). Not thread-safe.
 */
final class RowReader implements Closeable {

  /** The file formats. */
  enum Format {
    CSV, JSON_LINES;

    static Format of(String file) {
      String f = file.toLowerCase(java.util.Locale.ROOT);
      if (f.endsWith(".csv")) {
        return CSV;
      }
      if (f.endsWith(".jsonl") || f.endsWith(".ndjson")) {
        return JSON_LINES;
      }
      throw new FeederException("feeder file " + file + " has an unknown format; name it .csv (CSV with a header line) or .jsonl / .ndjson (JSON lines)");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EOF = -1;

  private final String file;
  private final Format format;
  private final InputStream in;
  private final byte[] buffer = new byte[64 * 1024];
  private int pos;
  private int limit;
  private long offset;
  private long line;
  private List<String> header;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

  /** Where the last row returned by {@link #next()} started: byte offset and line. */
  private long rowOffset;
  private long rowLine;

  /**
   * A reader positioned at the start of the file (it reads the CSV header first) or at a row.
   *
   * @param file the file's name, for messages
   * @param format its format
   * @param in the bytes, from {@code offset}
   * @param offset the byte offset {@code in} starts at
   * @param line the line number at {@code offset}, from 1
   * @param header the CSV header when starting at a row; null at the start of the file
   */
  RowReader(String file, Format format, InputStream in, long offset, long line, List<String> header) {
    this.file = file;
    this.format = format;
    this.in = in;
    this.offset = offset;
    this.line = line;
    this.header = header;
  }

  /** The CSV header (read on first use), or null for JSON lines. */
  List<String> header() throws IOException {
    if (format == Format.CSV && header == null) {
      long headerLine = line;
      List<String> names = csvFields();
      if (names == null) {
        throw new FeederException("feeder file " + file + " is empty; a CSV feeder needs a header line naming its columns");
      }
      Map<String, Integer> seen = new java.util.HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i).strip();
        if (n.isEmpty()) {
          throw new FeederException(at(headerLine, i + 1) + ": the header names no column here; give every column a name");
        }
        Integer before = seen.put(n, i + 1);
        if (before != null) {
          throw new FeederException(at(headerLine, i + 1) + ": column \"" + n + "\" is named twice (also column " + before + "); rename one");
        }
        names.set(i, n);
      }
      header = Collections.unmodifiableList(names);
    }
    return header;
  }

  /** Byte offset of the row {@link #next()} returned last. */
  long rowOffset() {
    return rowOffset;
  }

  /** Line number (from 1) where the row {@link #next()} returned last started. */
  long rowLine() {
    return rowLine;
  }

  /**
   * The next row, column to value in file order; null at the end of the file. Blank lines are skipped.
   *
   * @throws FeederException naming file, line and column when the row is bad
   */
  Map<String, String> next() throws IOException {
    if (format == Format.CSV) {
      List<String> names = header();
      while (true) {
        skipBlankLines();
        rowOffset = offset;
        rowLine = line;
        List<String> fields = csvFields();
        if (fields == null) {
          return null;
        }
        if (fields.size() != names.size()) {
          int column = Math.min(fields.size(), names.size()) + 1;
          throw new FeederException(at(rowLine, column) + ": the row has " + fields.size() + " field" + (fields.size() == 1 ? "" : "s")
              + " but the header has " + names.size() + " (" + String.join(", ", names) + "); "
              + (fields.size() < names.size() ? "column \"" + names.get(column - 1) + "\" is missing" : "there is a field more than columns")
              + "; quote fields that hold commas (\"a,b\")");
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
          row.put(names.get(i), fields.get(i));
        }
        return Collections.unmodifiableMap(row);
      }
    }
    while (true) {
      skipBlankLines();
      rowOffset = offset;
      rowLine = line;
      byte[] bytes = jsonLine();
      if (bytes == null) {
        return null;
      }
      String text = decode(bytes, rowLine, 1, true);
      JsonNode node;
      try {
        node = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        int column = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getColumnNr());
        throw new FeederException(at(rowLine, column) + ": not JSON (" + e.getOriginalMessage() + "); each line must be one JSON object", e);
      }
      if (node == null || !node.isObject()) {
        throw new FeederException(at(rowLine, 1) + ": not a JSON object; each line must be one object such as {\"user\":\"u1\",\"password\":\"p1\"}");
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        row.put(e.getKey(), v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString());
      }
      return Collections.unmodifiableMap(row);
    }
  }

  private String at(long atLine, int column) {
    return "feeder file " + file + ", line " + atLine + ", column " + column;
  }

  private int read() throws IOException {
    if (!filled()) {
      return EOF;
    }
    offset++;
    return buffer[pos++] & 0xff;
  }

  private int peek() throws IOException {
    return filled() ? buffer[pos] & 0xff : EOF;
  }

  /** Whether a byte is ready at {@code pos}: refills the buffer when it is used up; false at the end of the file. */
  private boolean filled() throws IOException {
    if (pos == limit) {
      limit = in.read(buffer, 0, buffer.length);
      pos = 0;
      if (limit <= 0) {
        limit = 0;
        return false;
      }
    }
    return true;
  }

  private void skipBlankLines() throws IOException {
    while (true) {
      int c = peek();
      if (c == '\n') {
        read();
        line++;
      } else if (c == '\r') {
        read();
        if (peek() == '\n') {
          read();
        }
        line++;
      } else {
        return;
      }
    }
  }

  /** One JSON line's bytes without its line break; null at the end. */
  private byte[] jsonLine() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int c = read();
    if (c == EOF) {
      return null;
    }
    while (c != EOF && c != '\n') {
      out.write(c);
      c = read();
    }
    line++;
    byte[] b = out.toByteArray();
    int n = b.length;
    if (n > 0 && b[n - 1] == '\r') {
      b = java.util.Arrays.copyOf(b, n - 1);
    }
    return b;
  }

  /** One CSV record's fields (RFC 4180, quoted fields may span lines); null at the end of the file. */
  private List<String> csvFields() throws IOException {
    if (peek() == EOF) {
      return null;
    }
    List<String> fields = new ArrayList<>();
    ByteArrayOutputStream field = new ByteArrayOutputStream();
    while (true) {
      int column = fields.size() + 1;
      int c = read();
      boolean quoted = c == '"';
      long fieldLine = line;
      if (quoted) {
        while (true) {
          c = read();
          if (c == EOF) {
            throw new FeederException(at(fieldLine, column) + ": a quoted field is not closed before the end of the file; close it with \"");
          }
          if (c == '"') {
            if (peek() == '"') {
              read();
              field.write('"');
              continue;
            }
            c = read();
            break;
          }
          if (c == '\n') {
            line++;
          }
          field.write(c);
        }
        if (c != ',' && c != '\n' && c != '\r' && c != EOF) {
          throw new FeederException(at(line, column) + ": text after the closing quote of a quoted field; write a quote inside a quoted field as \"\"");
        }
      } else {
        while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
          if (c == '"') {
            throw new FeederException(at(line, column) + ": a quote inside an unquoted field; quote the whole field and double the quote (\"a \"\"b\"\"\")");
          }
          field.write(c);
          c = read();
        }
      }
      fields.add(decode(field.toByteArray(), fieldLine, column, false));
      field.reset();
      if (c == ',') {
        continue;
      }
      if (c == '\r' && peek() == '\n') {
        read();
      }
      if (c != EOF) {
        line++;
      }
      return fields;
    }
  }

  /** Decodes strictly; a byte that is not UTF-8 names the line and the column (CSV: the field; JSON: the character). */
  private String decode(byte[] bytes, long atLine, int column, boolean characterColumn) {
    try {
      CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes));
      String s = chars.toString();
      if (!s.isEmpty() && s.charAt(0) == '\uFEFF' && atLine == 1) {
        s = s.substring(1); // a byte order mark before the first line
      }
      return s;
    } catch (CharacterCodingException e) {
      int bad = 0;
      ByteBuffer in = ByteBuffer.wrap(bytes);
      CharBuffer out = CharBuffer.allocate(bytes.length + 1);
      decoder.reset().decode(in, out, true);
      bad = in.position();
      int col = characterColumn ? out.position() + 1 : column;
      throw new FeederException(at(atLine, col) + ": not UTF-8 (byte 0x" + String.format("%02X", bytes[Math.min(bad, bytes.length - 1)] & 0xff)
          + "); save the file as UTF-8", e);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
