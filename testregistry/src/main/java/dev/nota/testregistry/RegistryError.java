package dev.nota.testregistry;

/**
 * A request the registry refuses, carried up to the router, which turns it into the distribution-spec JSON
 * error body {@code {"errors":[{"code","message","detail"}]}} with the given status.
 */
final class RegistryError extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String detail;

  RegistryError(int status, String code, String message, String detail) {
    super(message);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  RegistryError(int status, String code, String message) {
    this(status, code, message, null);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  String detail() {
    return detail;
  }

  static RegistryError blobUnknown(Object digest) {
    return new RegistryError(404, "BLOB_UNKNOWN", "blob unknown to registry", String.valueOf(digest));
  }

  static RegistryError uploadUnknown(String uuid) {
    return new RegistryError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", uuid);
  }

  static RegistryError manifestUnknown(String reference) {
    return new RegistryError(404, "MANIFEST_UNKNOWN", "manifest unknown", reference);
  }

  static RegistryError manifestInvalid(String why) {
    return new RegistryError(400, "MANIFEST_INVALID", "manifest invalid", why);
  }

  static RegistryError digestInvalid(String why) {
    return new RegistryError(400, "DIGEST_INVALID", "provided digest did not match uploaded content", why);
  }

  static RegistryError unsupported(String why) {
    return new RegistryError(405, "UNSUPPORTED", "the operation is unsupported", why);
  }
}
