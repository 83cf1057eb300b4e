package dev.nota.core.envelope;

import dev.nota.oci.MediaTypes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of the Notary Project signed header that JWS and COSE share (names, crit membership, signing-scheme time
 * rules, expiry), applied to a header both codecs first reduce to text keys with times as {@link Instant}.
 */
final class HeaderRules {
  private HeaderRules() {}

  static final String SIGNING_SCHEME = "io.cncf.notary.signingScheme";
  static final String SIGNING_TIME = "io.cncf.notary.signingTime";
  static final String AUTHENTIC_SIGNING_TIME = "io.cncf.notary.authenticSigningTime";
  static final String EXPIRY = "io.cncf.notary.expiry";
  static final String VERIFICATION_PLUGIN = "io.cncf.notary.verificationPlugin";
  static final String VERIFICATION_PLUGIN_MIN_VERSION = "io.cncf.notary.verificationPluginMinVersion";
  static final String SIGNING_AGENT = "io.cncf.notary.signingAgent";
  static final String TIMESTAMP_SIGNATURE = "io.cncf.notary.timestampSignature";

  /** Headers whose value is a time (RFC 3339 string in JWS, tag 1 in COSE). */
  static final Set<String> TIME_KEYS = Set.of(SIGNING_TIME, AUTHENTIC_SIGNING_TIME, EXPIRY);

  /** The Notary Project's own signed headers; everything else is an extended attribute. */
  private static final Set<String> KNOWN = Set.of(SIGNING_SCHEME, SIGNING_TIME, AUTHENTIC_SIGNING_TIME, EXPIRY,
      VERIFICATION_PLUGIN, VERIFICATION_PLUGIN_MIN_VERSION);

  /** Header names registered by RFC 7515/7797 and the unsigned Notary headers: never extended attribute keys. */
  static final Set<String> JWS_REGISTERED =
      Set.of("alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit");

  /**
   * Builds the signed attributes from a protected header.
   *
   * @param headers the protected header without the format's registered headers (alg, content type, crit), in
   *     envelope order, with every {@link #TIME_KEYS} value already an {@link Instant}
   * @param crit the names listed in crit, already checked not to be registered headers
   */
  static SignedAttributes signedAttributes(Map<String, Object> headers, List<String> crit) throws EnvelopeException {
    if (crit.isEmpty()) {
      throw new EnvelopeException("the crit header is empty; it must list " + SIGNING_SCHEME);
    }
    Set<String> critical = new HashSet<>();
    for (String name : crit) {
      if (!critical.add(name)) {
        throw new EnvelopeException("the crit header lists \"" + name + "\" twice");
      }
      if (!headers.containsKey(name)) {
        throw new EnvelopeException("the crit header lists \"" + name + "\", which is not in the protected header");
      }
    }
    Object schemeValue = headers.get(SIGNING_SCHEME);
    if (schemeValue == null) {
      throw new EnvelopeException("the protected header lacks " + SIGNING_SCHEME);
    }
    if (!(schemeValue instanceof String schemeText)) {
      throw new EnvelopeException(SIGNING_SCHEME + " must be a string");
    }
    SigningScheme scheme = SigningScheme.parse(schemeText);
    requireCritical(SIGNING_SCHEME, critical);

    Instant signingTime = (Instant) headers.get(SIGNING_TIME);
    Instant authentic = (Instant) headers.get(AUTHENTIC_SIGNING_TIME);
    if (scheme == SigningScheme.X509) {
      if (signingTime == null) {
        throw new EnvelopeException("the protected header lacks " + SIGNING_TIME + ", required by " + scheme);
      }
      if (headers.containsKey(AUTHENTIC_SIGNING_TIME)) {
        throw new EnvelopeException(AUTHENTIC_SIGNING_TIME + " must not be present with signing scheme " + scheme);
      }
    } else {
      if (authentic == null) {
        throw new EnvelopeException(
            "the protected header lacks " + AUTHENTIC_SIGNING_TIME + ", required by " + scheme);
      }
      requireCritical(AUTHENTIC_SIGNING_TIME, critical);
      if (headers.containsKey(SIGNING_TIME)) {
        throw new EnvelopeException(SIGNING_TIME + " must not be present with signing scheme " + scheme);
      }
    }
    Instant signed = signingTime != null ? signingTime : authentic;
    Instant expiry = (Instant) headers.get(EXPIRY);
    if (expiry != null) {
      requireCritical(EXPIRY, critical);
      if (!expiry.isAfter(signed)) {
        throw new EnvelopeException("the expiry " + expiry + " is not after the signing time " + signed);
      }
    }
    String plugin = optionalText(headers, VERIFICATION_PLUGIN, critical);
    String minVersion = optionalText(headers, VERIFICATION_PLUGIN_MIN_VERSION, critical);
    if (minVersion != null && plugin == null) {
      throw new EnvelopeException(
          "the protected header has " + VERIFICATION_PLUGIN_MIN_VERSION + " but no " + VERIFICATION_PLUGIN);
    }

    List<ExtendedAttribute> extended = new ArrayList<>();
    for (Map.Entry<String, Object> e : headers.entrySet()) {
      if (!KNOWN.contains(e.getKey())) {
        extended.add(new ExtendedAttribute(e.getKey(), e.getValue(), critical.contains(e.getKey())));
      }
    }
    return new SignedAttributes(scheme, signingTime, authentic, expiry, plugin, minVersion, extended);
  }

  private static void requireCritical(String name, Set<String> critical) throws EnvelopeException {
    if (!critical.contains(name)) {
      throw new EnvelopeException("the crit header must list " + name);
    }
  }

  private static String optionalText(Map<String, Object> headers, String name, Set<String> critical)
      throws EnvelopeException {
    if (!headers.containsKey(name)) {
      return null;
    }
    if (!(headers.get(name) instanceof String text) || text.isEmpty()) {
      throw new EnvelopeException(name + " must be a non-empty string");
    }
    requireCritical(name, critical);
    return text;
  }

  /** Checks a sign request against the rules a verifier applies, so that nota never writes what it would reject. */
  static void checkRequest(SignRequest request, SignatureAlgorithm algorithm) throws EnvelopeException {
    if (!MediaTypes.NOTARY_PAYLOAD.equals(request.payloadContentType())) {
      throw new EnvelopeException("unsupported payload content type \"" + request.payloadContentType()
          + "\" (must be " + MediaTypes.NOTARY_PAYLOAD + ")");
    }
    Instant time = seconds(request.signingTime());
    if (request.expiry() != null && !seconds(request.expiry()).isAfter(time)) {
      throw new EnvelopeException("the expiry " + request.expiry() + " is not after the signing time " + time);
    }
    Set<String> seen = new HashSet<>();
    for (ExtendedAttribute a : request.extendedAttributes()) {
      if (a.key().isEmpty() || KNOWN.contains(a.key()) || JWS_REGISTERED.contains(a.key())
          || SIGNING_AGENT.equals(a.key()) || TIMESTAMP_SIGNATURE.equals(a.key())) {
        throw new EnvelopeException("extended attribute key \"" + a.key() + "\" is reserved");
      }
      if (!seen.add(a.key())) {
        throw new EnvelopeException("extended attribute key \"" + a.key() + "\" is given twice");
      }
    }
    if (request.signer().certificateChain() == null || request.signer().certificateChain().isEmpty()) {
      throw new EnvelopeException("the signing key has no certificate chain");
    }
    SignatureAlgorithm implied = SignatureAlgorithm.forKey(request.signer().certificateChain().get(0).getPublicKey());
    if (algorithm != implied) {
      throw new EnvelopeException("the signing key's algorithm " + (algorithm == null ? "(none)" : algorithm.specName())
          + " does not match its certificate's key, which needs " + implied.specName());
    }
  }

  /**
   * The crit list the way notation-core-go writes it. JWS: signingScheme, critical extended attributes,
   * authenticSigningTime, expiry. COSE: signingScheme, authenticSigningTime, expiry, critical extended attributes.
   */
  static List<String> crit(
      SigningScheme scheme, boolean hasExpiry, List<ExtendedAttribute> attributes, boolean coseOrder) {
    List<String> crit = new ArrayList<>();
    crit.add(SIGNING_SCHEME);
    List<String> extended =
        attributes.stream().filter(ExtendedAttribute::critical).map(ExtendedAttribute::key).toList();
    if (!coseOrder) {
      crit.addAll(extended);
    }
    if (scheme == SigningScheme.X509_SIGNING_AUTHORITY) {
      crit.add(AUTHENTIC_SIGNING_TIME);
    }
    if (hasExpiry) {
      crit.add(EXPIRY);
    }
    if (coseOrder) {
      crit.addAll(extended);
    }
    return crit;
  }

  /** The header name that carries the signing time for the request's scheme. */
  static String signingTimeKey(SigningScheme scheme) {
    return scheme == SigningScheme.X509 ? SIGNING_TIME : AUTHENTIC_SIGNING_TIME;
  }

  static Instant seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS);
  }

  private static final Pattern RFC3339 =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

  /** Parses an RFC 3339 date-time with any offset (fractional seconds accepted). */
  static Instant parseTime(String name, String text) throws EnvelopeException {
    if (!RFC3339.matcher(text).matches()) {
      throw new EnvelopeException(name + " is not an RFC 3339 date-time: \"" + abbreviate(text) + "\"");
    }
    try {
      return OffsetDateTime.parse(text.toUpperCase(java.util.Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toInstant();
    } catch (DateTimeParseException e) {
      throw new EnvelopeException(name + " is not a valid date-time: \"" + abbreviate(text) + "\"");
    }
  }

  /** Formats a time as RFC 3339 in UTC with whole seconds, e.g. {@code 2020-11-09T07:00:00Z}. */
  static String formatTime(Instant t) throws EnvelopeException {
    OffsetDateTime utc = seconds(t).atOffset(ZoneOffset.UTC);
    if (utc.getYear() < 0 || utc.getYear() > 9999) {
      throw new EnvelopeException("time " + t + " cannot be written as an RFC 3339 date-time");
    }
    return DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").format(utc);
  }

  static String abbreviate(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 64 ? clean : clean.substring(0, 61) + "...";
  }
}
