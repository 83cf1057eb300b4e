package dev.nota.policy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * Distinguished names the way notation handles them. Notation parses {@code x509.subject} values with go-ldap's
 * RFC 4514 parser and then applies its own rules; for a certificate it first renders the subject with Go's
 * {@code pkix.Name.String()} and parses that text. Both steps are reproduced here so that a subject matches in
 * nota exactly when it matches in notation, quirks included.
 */
final class DistinguishedNames {
  private static final String RULES =
      "A valid DN must contain 'C', 'ST' or 'S', and 'O' RDN attributes at a minimum, and follow RFC 4514 standard";

  /** One attribute type and value of an RDN. */
  record Attribute(String type, String value) {}

  private DistinguishedNames() {}

  /** Notation's DN rules: returns attribute type to value, with {@code S} renamed {@code ST}. */
  static Map<String, String> parse(String name) throws PolicyException {
    if (name.contains("=#")) {
      throw new PolicyException("unsupported distinguished name (DN) " + GoText.quote(name)
          + ": notation does not support x509.subject identities containing \"=#\"");
    }
    List<List<Attribute>> rdns;
    try {
      rdns = parseRfc4514(name);
    } catch (IllegalArgumentException e) {
      throw new PolicyException("parsing distinguished name (DN) " + GoText.quote(name) + " failed with err: "
          + e.getMessage() + ". " + RULES);
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    for (List<Attribute> rdn : rdns) {
      if (rdn.size() > 1) {
        throw new PolicyException("distinguished name (DN) " + GoText.quote(name)
            + " has multi-valued RDN attributes, remove multi-valued RDN attributes as they are not supported");
      }
      Attribute attribute = rdn.get(0);
      String type = attribute.type().equals("S") ? "ST" : attribute.type();
      // An empty value counts as absent, so it may be "repeated" and does not satisfy the mandatory check.
      if (!attributes.getOrDefault(type, "").isEmpty()) {
        throw new PolicyException("distinguished name (DN) " + GoText.quote(name)
            + " has duplicate RDN attribute for " + GoText.quote(type) + ", DN can only have unique RDN attributes");
      }
      attributes.put(type, attribute.value());
    }
    for (String mandatory : List.of("C", "ST", "O")) {
      if (attributes.getOrDefault(mandatory, "").isEmpty()) {
        throw new PolicyException("distinguished name (DN) " + GoText.quote(name)
            + " has no mandatory RDN attribute for " + GoText.quote(mandatory)
            + ", it must contain 'C', 'ST' or 'S', and 'O' RDN attributes at a minimum");
      }
    }
    return attributes;
  }

  /**
   * RFC 4514 parsing with go-ldap's behaviour: {@code ,} and {@code ;} end an RDN, {@code +} adds to it, the first
   * unescaped {@code =} ends the type, types and values are trimmed of spaces and unescaped, type case is kept.
   *
   * @throws IllegalArgumentException with go-ldap's reason when the text is not a DN
   */
  static List<List<Attribute>> parseRfc4514(String str) {
    List<List<Attribute>> dn = new ArrayList<>();
    if (isBlank(str)) {
      return dn;
    }
    List<Attribute> rdn = new ArrayList<>();
    String type = "";
    boolean escaping = false;
    int start = 0;
    for (int i = 0; i < str.length(); i++) {
      char c = str.charAt(i);
      if (escaping) {
        escaping = false;
      } else if (c == '\\') {
        escaping = true;
      } else if (c == '=' && type.isEmpty()) {
        type = decode(str.substring(start, i));
        start = i + 1;
      } else if (c == ',' || c == '+' || c == ';') {
        if (type.isEmpty()) {
          throw new IllegalArgumentException("incomplete type, value pair");
        }
        rdn.add(new Attribute(type, decodeValue(str.substring(start, i))));
        type = "";
        start = i + 1;
        if (c != '+') {
          dn.add(rdn);
          rdn = new ArrayList<>();
        }
      }
    }
    if (type.isEmpty()) {
      throw new IllegalArgumentException("DN ended with incomplete type, value pair");
    }
    rdn.add(new Attribute(type, decodeValue(str.substring(start))));
    dn.add(rdn);
    return dn;
  }

  private static String decodeValue(String raw) {
    if (!raw.isEmpty() && raw.charAt(0) == '#') {
      // Unreachable through parse(), which rejects "=#" first; kept so the parser is complete.
      throw new IllegalArgumentException("failed to decode BER encoding: hex-encoded values are not supported");
    }
    return decode(raw);
  }

  /** go-ldap's value unescaping: strip spaces (keeping an escaped trailing one), then resolve {@code \x} and {@code \hh}. */
  private static String decode(String raw) {
    String stripped = stripSpaces(raw);
    int[] s = stripped.codePoints().toArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length; i++) {
      int c = s[i];
      if (c != '\\') {
        writeUtf8(out, c);
        continue;
      }
      if (i + 1 >= s.length) {
        throw new IllegalArgumentException("got corrupted escaped character: '" + stripped + "'");
      }
      int next = s[i + 1];
      if (" \"#+,;<=>\\".indexOf(next) >= 0) {
        out.write(next);
        i++;
        continue;
      }
      if (i + 2 >= s.length) {
        throw new IllegalArgumentException(
            "failed to decode escaped character: encoding/hex: invalid byte: " + new String(s, i + 1, 1));
      }
      String pair = new String(s, i + 1, 2);
      if (pair.getBytes(StandardCharsets.UTF_8).length != 2) {
        throw new IllegalArgumentException("failed to decode escaped character: invalid byte: " + pair);
      }
      int hi = Character.digit(pair.charAt(0), 16);
      int lo = Character.digit(pair.charAt(1), 16);
      if (hi < 0 || lo < 0) {
        char bad = hi < 0 ? pair.charAt(0) : pair.charAt(1);
        throw new IllegalArgumentException("failed to decode escaped character: encoding/hex: invalid byte: "
            + String.format("U+%04X '%c'", (int) bad, bad));
      }
      out.write(hi << 4 | lo);
      i += 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String stripSpaces(String in) {
    int from = 0;
    int to = in.length();
    while (from < to && in.charAt(from) == ' ') {
      from++;
    }
    while (to > from && in.charAt(to - 1) == ' ') {
      to--;
    }
    String out = in.substring(from, to);
    if (!out.isEmpty() && out.charAt(out.length() - 1) == '\\' && in.charAt(in.length() - 1) == ' ') {
      out = out + " ";
    }
    return out;
  }

  private static void writeUtf8(ByteArrayOutputStream out, int codePoint) {
    byte[] bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
    out.write(bytes, 0, bytes.length);
  }

  /** Go's strings.TrimSpace(s) == "": only Unicode white space. */
  private static boolean isBlank(String s) {
    return s.codePoints().allMatch(c -> c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xa0
        || Character.getType(c) == Character.SPACE_SEPARATOR || c == 0x2028 || c == 0x2029);
  }

  // ---- Go's pkix.Name.String() for a certificate subject ----

  private static final Map<String, String> GO_NAMES = Map.of(
      "2.5.4.6", "C", "2.5.4.10", "O", "2.5.4.11", "OU", "2.5.4.3", "CN", "2.5.4.5", "SERIALNUMBER",
      "2.5.4.7", "L", "2.5.4.8", "ST", "2.5.4.9", "STREET", "2.5.4.17", "POSTALCODE");
  /** The order Go's Name.ToRDNSequence writes the attributes it knows. */
  private static final List<String> GO_ORDER = List.of(
      "2.5.4.6", "2.5.4.8", "2.5.4.7", "2.5.4.9", "2.5.4.17", "2.5.4.10", "2.5.4.11", "2.5.4.3", "2.5.4.5");

  /**
   * Renders a subject like Go's {@code pkix.Name.String()} on a parsed certificate: attributes Go has no name for
   * first (as {@code oid=#hex}), then C, ST, L, STREET, POSTALCODE, O, OU, CN, SERIALNUMBER with repeated types
   * merged into one multi-valued RDN; the whole sequence written in reverse.
   */
  static String goSubjectString(X500Principal subject) throws PolicyException {
    List<Attribute> names = new ArrayList<>();
    try {
      Der.Element seq = Der.read(subject.getEncoded(), 0, subject.getEncoded().length);
      for (Der.Element set : seq.children()) {
        for (Der.Element atv : set.children()) {
          List<Der.Element> parts = atv.children();
          if (parts.size() != 2 || parts.get(0).tag() != Der.OID) {
            throw new IllegalArgumentException("malformed attribute");
          }
          names.add(new Attribute(Der.oid(parts.get(0).content()), asn1String(parts.get(1))));
        }
      }
    } catch (IllegalArgumentException e) {
      throw new PolicyException("certificate subject " + GoText.quote(subject.getName()) + " cannot be read: "
          + e.getMessage());
    }
    Map<String, List<String>> known = new LinkedHashMap<>();
    GO_ORDER.forEach(oid -> known.put(oid, new ArrayList<>()));
    List<List<Attribute>> rdns = new ArrayList<>();
    for (Attribute a : names) {
      List<String> values = known.get(a.type());
      if (values == null) {
        rdns.add(List.of(a));
      } else if (a.type().equals("2.5.4.3") || a.type().equals("2.5.4.5")) {
        values.clear(); // Go keeps the last CommonName and SerialNumber only.
        values.add(a.value());
      } else {
        values.add(a.value());
      }
    }
    for (Map.Entry<String, List<String>> e : known.entrySet()) {
      List<String> values = e.getValue();
      boolean single = e.getKey().equals("2.5.4.3") || e.getKey().equals("2.5.4.5");
      if (values.isEmpty() || (single && values.get(0).isEmpty())) {
        continue;
      }
      List<Attribute> rdn = new ArrayList<>();
      values.forEach(v -> rdn.add(new Attribute(e.getKey(), v)));
      rdns.add(rdn);
    }
    StringBuilder b = new StringBuilder();
    for (int i = rdns.size() - 1; i >= 0; i--) {
      if (b.length() > 0) {
        b.append(',');
      }
      List<Attribute> rdn = rdns.get(i);
      for (int j = 0; j < rdn.size(); j++) {
        if (j > 0) {
          b.append('+');
        }
        Attribute a = rdn.get(j);
        String typeName = GO_NAMES.get(a.type());
        if (typeName == null) {
          b.append(a.type()).append("=#").append(HexFormat.of().formatHex(marshalString(a.value())));
        } else {
          b.append(typeName).append('=').append(escape(a.value()));
        }
      }
    }
    return b.toString();
  }

  private static String escape(String value) {
    StringBuilder b = new StringBuilder();
    int lastByte = value.getBytes(StandardCharsets.UTF_8).length - 1;
    int byteIndex = 0;
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      boolean esc;
      switch (c) {
        case ',': case '+': case '"': case '\\': case '<': case '>': case ';':
          esc = true;
          break;
        case ' ':
          esc = byteIndex == 0 || byteIndex == lastByte;
          break;
        case '#':
          esc = byteIndex == 0;
          break;
        default:
          esc = false;
      }
      if (esc) {
        b.append('\\');
      }
      b.appendCodePoint(c);
      byteIndex += new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8).length;
      i += Character.charCount(c);
    }
    return b.toString();
  }

  /** Decodes the string types Go's certificate parser accepts; anything else makes Go reject the certificate. */
  private static String asn1String(Der.Element e) {
    byte[] v = e.content();
    switch (e.tag()) {
      case 0x14: // T61String, read as ISO-8859-1
        return new String(v, StandardCharsets.ISO_8859_1);
      case 0x13: // PrintableString
      case 0x16: // IA5String
      case 0x12: // NumericString
        for (byte x : v) {
          if (x < 0) {
            throw new IllegalArgumentException("invalid ASN.1 string");
          }
        }
        return new String(v, StandardCharsets.US_ASCII);
      case 0x0c: // UTF8String
        return new String(v, StandardCharsets.UTF_8);
      case 0x1e: // BMPString
        return new String(v, StandardCharsets.UTF_16BE);
      default:
        throw new IllegalArgumentException("unsupported string type: " + e.tag());
    }
  }

  /** Go's asn1.Marshal of a string: PrintableString when it can be, else UTF8String. */
  private static byte[] marshalString(String value) {
    boolean printable = value.chars().allMatch(c -> c < 0x80
        && (Character.isLetterOrDigit(c) || " '()*+,-./:=?".indexOf(c) >= 0));
    byte[] body = value.getBytes(StandardCharsets.UTF_8);
    byte[] header = Der.header(printable ? 0x13 : 0x0c, body.length);
    byte[] out = new byte[header.length + body.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(body, 0, out, header.length, body.length);
    return out;
  }
}
