package dev.nota.core.envelope;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nota.oci.MediaTypes;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Untrusted input: every single-byte change and every truncation of a valid envelope either still verifies (only
 * where the byte is not covered by the signature or the signing key, e.g. the signing agent) or fails with an
 * {@link EnvelopeException}, never with another exception.
 */
class EnvelopeMutationTest {

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void everySingleByteChangeFailsCleanly(String format) throws Exception {
    byte[] good = EnvelopeRoundTripTest.sign(format, SignatureAlgorithm.ECDSA_SHA_256);
    int failures = 0;
    for (int i = 0; i < good.length; i++) {
      for (int mask : new int[] {0x01, 0x80, 0xff}) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) mask;
        failures += outcome(format, bad, i);
      }
      failures += outcome(format, Arrays.copyOf(good, i), i);
    }
    assertTrue(failures > good.length * 3, "most changes must fail, only " + failures + " did");
  }

  private static int outcome(String format, byte[] envelope, int index) {
    try {
      Envelopes.parse(format, envelope).verify();
      return 0;
    } catch (EnvelopeException expected) {
      if (expected.getMessage().contains("\n")) {
        fail("multi-line message at byte " + index + ": " + expected.getMessage());
      }
      return 1;
    } catch (RuntimeException e) {
      throw new AssertionError("byte " + index + " raised " + e, e);
    }
  }
}
