package dev.constellation.maven.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes junit.xml: one test suite, one test case per threshold, so CI servers show them. */
final class JunitXml {

  static final String SUITE = "constellation.thresholds";

  private JunitXml() {}

  static void write(Path file, RunFacts facts, List<ThresholdResult> thresholds) throws IOException {
    long failures = thresholds.stream().filter(t -> !t.passed()).count();
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      x.writeStartDocument("UTF-8", "1.0");
      x.writeCharacters("\n");
      x.writeStartElement("testsuite");
      x.writeAttribute("name", SUITE);
      x.writeAttribute("tests", Integer.toString(thresholds.size()));
      x.writeAttribute("failures", Long.toString(failures));
      x.writeAttribute("errors", "0");
      x.writeAttribute("skipped", "0");
      x.writeAttribute("time", String.format(Locale.ROOT, "%.3f", facts.durationMs() / 1000.0));
      x.writeAttribute("timestamp", facts.startedAt().toString());
      x.writeCharacters("\n");
      x.writeStartElement("properties");
      property(x, "runId", facts.runId());
      property(x, "target", facts.target());
      x.writeEndElement();
      x.writeCharacters("\n");
      for (ThresholdResult t : thresholds) {
        x.writeCharacters("  ");
        x.writeStartElement("testcase");
        x.writeAttribute("classname", SUITE);
        x.writeAttribute("name", Format.xmlSafe(t.expression()));
        x.writeAttribute("time", "0");
        if (!t.passed()) {
          x.writeStartElement("failure");
          x.writeAttribute("message", Format.xmlSafe(t.message()));
          x.writeAttribute("type", "ThresholdFailed");
          x.writeCharacters(Format.xmlSafe(t.message()));
          x.writeEndElement();
        } else {
          x.writeStartElement("system-out");
          x.writeCharacters(Format.xmlSafe(t.message()));
          x.writeEndElement();
        }
        x.writeEndElement();
        x.writeCharacters("\n");
      }
      x.writeEndElement();
      x.writeCharacters("\n");
      x.writeEndDocument();
      x.close();
    } catch (XMLStreamException e) {
      throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
    x.writeEmptyElement("property");
    x.writeAttribute("name", name);
    x.writeAttribute("value", Format.xmlSafe(value));
  }
}
