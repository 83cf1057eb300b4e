package dev.nota.core.tuf;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where metadata files come from: a notary server or a trust directory. A source only delivers bytes (never more than
 * the cap); every check is the {@link TufClient}'s.
 */
public interface MetadataSource {
  /**
   * Which file: the current {@code <role>.json}, the one whose sha256 is {@code sha256Hex} ({@code
   * <role>.<hex>.json}), or the stored {@code version} ({@code <version>.<role>.json}).
   */
  record Request(String role, String sha256Hex, Integer version) {
    public static Request current(String role) {
      return new Request(role, null, null);
    }

    public String fileName() {
      if (version != null) {
        return version + "." + role + ".json";
      }
      return sha256Hex == null ? role + ".json" : role + "." + sha256Hex + ".json";
    }
  }

  /**
   * The bytes of {@code request}, or empty when the source does not have that file.
   *
   * @throws TufException of kind NETWORK when the source cannot be read, VERIFICATION when the file exceeds {@code
   *     maxBytes}
   */
  Optional<byte[]> fetch(Request request, long maxBytes) throws TufException;

  /** Reads at most {@code maxBytes} from {@code in}; a longer stream is refused without reading it all. */
  static byte[] readCapped(String role, InputStream in, long maxBytes) throws IOException, TufException {
    byte[] out = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    if (out.length > maxBytes) {
      throw TufException.verification(role, "metadata is larger than the limit of " + maxBytes + " bytes");
    }
    return out;
  }
}
