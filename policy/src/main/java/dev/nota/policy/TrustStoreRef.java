package dev.nota.policy;

import java.util.Objects;
import java.util.regex.Pattern;

/** A policy's reference to a named trust store, written {@code <type>:<name>} such as {@code ca:acme-rockets}. */
public record TrustStoreRef(TrustStoreType type, String name) {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]+");

  public TrustStoreRef {
    Objects.requireNonNull(type, "type");
    if (!isValidName(name)) {
      throw new IllegalArgumentException("invalid trust store name " + GoText.quote(String.valueOf(name)));
    }
  }

  /**
   * Parses {@code type:name}; the type is split off at the first colon, the name must match
   * {@code [a-zA-Z0-9_.-]+}.
   *
   * @throws PolicyException naming the value when the separator, type or name is wrong
   */
  public static TrustStoreRef parse(String value) throws PolicyException {
    int colon = value.indexOf(':');
    if (colon < 0) {
      throw new PolicyException("malformed trust store value " + GoText.quote(value)
          + ". The required format is <TrustStoreType>:<TrustStoreName>");
    }
    String typeName = value.substring(0, colon);
    String name = value.substring(colon + 1);
    TrustStoreType type = TrustStoreType.forValue(typeName);
    if (type == null) {
      throw new PolicyException("unsupported trust store type " + GoText.quote(typeName) + " in trust store value "
          + GoText.quote(value));
    }
    if (!isValidName(name)) {
      throw new PolicyException("unsupported trust store name " + GoText.quote(name) + " in trust store value "
          + GoText.quote(value) + ". Named store name needs to follow [a-zA-Z0-9_.-]+ format");
    }
    return new TrustStoreRef(type, name);
  }

  /** True when {@code name} matches notation's named-store pattern {@code [a-zA-Z0-9_.-]+}. */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** The {@code type:name} form used in policies. */
  @Override
  public String toString() {
    return type.value() + ":" + name;
  }
}
