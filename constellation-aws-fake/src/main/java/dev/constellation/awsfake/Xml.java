package dev.constellation.awsfake;

import java.util.Map;

/** A tiny XML writer for the query protocols' responses. */
final class Xml {

  private final StringBuilder sb = new StringBuilder();

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  Xml open(String name) {
    sb.append('<').append(name).append('>');
    return this;
  }

  Xml open(String name, String xmlns) {
    sb.append('<').append(name).append(" xmlns=\"").append(xmlns).append("\">");
    return this;
  }

  Xml close(String name) {
    sb.append("</").append(name).append('>');
    return this;
  }

  /** {@code <name>value</name>}; nothing when value is null. */
  Xml el(String name, Object value) {
    if (value != null) {
      sb.append('<').append(name).append('>').append(esc(String.valueOf(value)))
          .append("</").append(name).append('>');
    }
    return this;
  }

  Xml raw(String xml) {
    sb.append(xml);
    return this;
  }

  /** awsQuery tags: {@code <Tags><member><Key/><Value/></member></Tags>}. */
  Xml queryTags(String wrapper, Map<String, String> tags) {
    open(wrapper);
    tags.forEach((k, v) -> open("member").el("Key", k).el("Value", v).close("member"));
    return close(wrapper);
  }

  /** ec2Query tags: {@code <tagSet><item><key/><value/></item></tagSet>}. */
  Xml ec2Tags(Map<String, String> tags) {
    open("tagSet");
    tags.forEach((k, v) -> open("item").el("key", k).el("value", v).close("item"));
    return close("tagSet");
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
