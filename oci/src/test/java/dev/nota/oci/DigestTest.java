package dev.nota.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DigestTest {
  @Test
  void parsesAndPrintsSha256() throws Exception {
    String s = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    assertEquals(s, Digest.parse(s).toString());
    assertEquals(Digest.parse(s), Digest.sha256("{}".getBytes()));
  }

  @Test
  void rejectsUpperCaseHexAndUnknownAlgorithms() {
    assertThrows(InvalidContentException.class,
        () -> Digest.parse("sha256:44136FA355B3678A1146AD16F7E8649E94FB4FC21FE77E8310C060F61CAAFF8A"));
    assertThrows(InvalidContentException.class, () -> Digest.parse("md5:abc"));
    assertThrows(InvalidContentException.class, () -> Digest.parse("nocolon"));
  }
}
